"""Backends: the Chroma store and its generations, the embedding models, the embedding
service client and the embedding cache."""
