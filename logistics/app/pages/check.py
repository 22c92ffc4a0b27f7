import streamlit as st

st.title("check")
