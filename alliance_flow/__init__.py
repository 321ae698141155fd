"""alliance_flow: carries a Regional Alliance through its six stages, gate by gate."""

__version__ = "0.1.0"
