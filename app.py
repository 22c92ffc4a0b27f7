"""The dispatcher's screen: ``streamlit run app.py`` (or ``make app``).

A multipage Streamlit app over the molten-logistics library. It opens on the bundled
Pearl River Delta network (``MOLTEN_APP_NETWORK`` picks another folder); solves run in
worker processes (:mod:`logistics.pipeline.workers`). See ``docs/app.md``.
"""

from __future__ import annotations

import streamlit as st

from logistics.app import state
from logistics.app.widgets import network_sidebar

PAGES = [
    ("plan.py", "Plan", ":material/local_shipping:"),
    ("orders.py", "Orders", ":material/list_alt:"),
    ("replan.py", "Re-plan", ":material/update:"),
    ("check.py", "Check", ":material/rule:"),
    ("economics.py", "Economics", ":material/payments:"),
    ("furnaces.py", "Furnaces", ":material/water_full:"),
    ("history.py", "History", ":material/history:"),
    ("siting.py", "Siting", ":material/add_location_alt:"),
]

# A ``spawn`` worker process imports the main script again as ``__mp_main__``: it must
# not draw the app (it only runs the solves it is sent).
if __name__ != "__mp_main__":
    st.set_page_config(page_title="Molten metal dispatch", layout="wide")
    page = st.navigation(
        [
            st.Page(f"logistics/app/pages/{file}", title=title, icon=icon, default=i == 0)
            for i, (file, title, icon) in enumerate(PAGES)
        ]
    )
    state.cleaned_leftovers()  # once per app: upload folders of apps that are gone
    # Streamlit forgets the values of widgets whose page is not drawn: give them back.
    state.keep_widget_values()
    network_sidebar()
    page.run()
