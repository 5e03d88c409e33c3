"""Parses Prometheus text (stdin) with prometheus-client's text-format parser, or OpenMetrics
text with its OpenMetrics parser when the first argument is `openmetrics`, and prints every
sample as JSON: [{"family", "type", "name", "labels", "value"}]."""
import json
import sys

if sys.argv[1:] == ["openmetrics"]:
    from prometheus_client.openmetrics.parser import text_string_to_metric_families
else:
    from prometheus_client.parser import text_string_to_metric_families

samples = []
for family in text_string_to_metric_families(sys.stdin.read()):
    for s in family.samples:
        samples.append({"family": family.name, "type": family.type, "name": s.name,
                        "labels": s.labels, "value": s.value})
print(json.dumps(samples))
