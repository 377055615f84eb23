"""L'assistant: cited answers on general-interest socio-economic models (Le RAMEAU corpus).

Nothing heavy happens at import time: models, stores and indexes are built by the
factories in each stage module when a command asks for them.
"""

__version__ = "0.1.0"
