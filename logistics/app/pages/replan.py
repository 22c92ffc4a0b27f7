import streamlit as st

st.title("replan")
