"""egov-qa: offline, cited Q&A over Chinese course revision notes."""

__version__ = "0.1.0"
