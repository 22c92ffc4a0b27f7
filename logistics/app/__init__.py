"""The dispatcher's planning app (``streamlit run app.py``): pages and app-side helpers.

The pages live in :mod:`logistics.app.pages` and stay thin: they read the session's
network and plan (:mod:`logistics.app.state`), run solves in worker processes
(:mod:`logistics.pipeline.workers`), and show figures from :mod:`logistics.charts`.
"""
