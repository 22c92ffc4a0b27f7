"""The dispatcher's screen: ``streamlit run app.py`` (or ``make app``).

A multipage Streamlit app over the molten-logistics library. It opens on the bundled
Pearl River Delta network (``MOLTEN_APP_NETWORK`` picks another folder); solves run in
worker processes (:mod:`logistics.app.worker`). See ``docs/app.md``.
"""

from __future__ import annotations

import streamlit as st

from logistics.app.widgets import network_sidebar

st.set_page_config(page_title="Molten metal dispatch", page_icon="🔥", layout="wide")

PAGES = [
    st.Page("logistics/app/pages/plan.py", title="Plan", icon="🗺️", default=True),
    st.Page("logistics/app/pages/orders.py", title="Orders", icon="📋"),
    st.Page("logistics/app/pages/replan.py", title="Re-plan", icon="🔁"),
    st.Page("logistics/app/pages/check.py", title="Check", icon="✅"),
    st.Page("logistics/app/pages/economics.py", title="Economics", icon="💴"),
    st.Page("logistics/app/pages/history.py", title="History", icon="🗂️"),
    st.Page("logistics/app/pages/siting.py", title="Siting", icon="📍"),
]

page = st.navigation(PAGES)
network_sidebar()
page.run()
