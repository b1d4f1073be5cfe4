"""Benchmark harness for the speed tricks T25-T38: ``python -m dlnotes.bench --help``.

``models`` holds the two workloads (a CIFAR-sized ResNet, a small GPT-like decoder),
``harness`` times one training step with each trick alone and all together, and
``report`` renders the resulting JSON as a Markdown table for the site.
"""
