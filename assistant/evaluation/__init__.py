"""Evaluation: golden sets (eval-format.md), metrics, reports, baseline gate."""
