"""The statistics pages' charts: the SVG chart geometry lives in ``ipcoop.lib.charts``."""

from ipcoop.lib.charts import Bar, Chart, DrawnBar, Tick, bar_chart, format_number, nice_maximum

__all__ = ["Bar", "Chart", "DrawnBar", "Tick", "bar_chart", "format_number", "nice_maximum"]
