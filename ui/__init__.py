"""Streamlit UI helpers of the IPS dashboard (texts, cached loading, charts, tables).

Only the dashboard imports this package; the engine (`ips_data`) never does.
"""
