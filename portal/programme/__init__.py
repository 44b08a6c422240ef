"""The programme as St. MBO runs it: how it counts, and the municipalities that take part."""
