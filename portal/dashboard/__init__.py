"""The KPI dashboard and the quarterly reports: targets against counts on any date."""
