"""The conversion and funnel reports as JSON and CSV."""
