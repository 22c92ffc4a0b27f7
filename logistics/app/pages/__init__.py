"""The app's pages: Streamlit scripts run by ``st.navigation`` from ``app.py``."""
