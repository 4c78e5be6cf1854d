"""PDF reports and the charts they embed (reportlab + matplotlib, never Qt)."""
