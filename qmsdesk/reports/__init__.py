"""PDF reports and the charts they embed (reportlab + matplotlib, never Qt)."""

from qmsdesk.reports.shaping import install_bidi

# reportlab decides at its first import whether right-to-left text is supported.
install_bidi()
