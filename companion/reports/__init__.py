"""The read path: profit report, the view's tables, chart, reconcile, exports."""
