"""Class insights: what the class asks, kept anonymously (``store``), the figures of a period
(``report``), and the recorder the surfaces hand their questions to (``recorder``)."""
