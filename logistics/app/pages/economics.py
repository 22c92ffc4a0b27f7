import streamlit as st

st.title("economics")
