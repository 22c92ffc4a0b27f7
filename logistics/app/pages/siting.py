import streamlit as st

st.title("siting")
