#!/usr/bin/env python3
"""Write seed corpora for the libFuzzer targets from Elastic's own material:
every JSON body in the seeds and every object example in the specs (for
fuzz-json, once per reader and flavour), and sample values from the seeds and
data/README.md (for fuzz-validate)."""
import json
import os
import re
import sys

shared, out = sys.argv[1], sys.argv[2]


def json_blocks(text):
    """Balanced {...} runs that parse as JSON."""
    docs, depth, start = [], 0, None
    for i, ch in enumerate(text):
        if ch == "{":
            if depth == 0:
                start = i
            depth += 1
        elif ch == "}" and depth:
            depth -= 1
            if depth == 0:
                chunk = text[start:i + 1]
                try:
                    docs.append(json.loads(chunk))
                except ValueError:
                    docs.append(chunk)   # broken JSON is a good seed too
    return docs


def examples(node, found):
    if isinstance(node, dict):
        ex = node.get("example")
        if isinstance(ex, (dict, list)):
            found.append(ex)
        for v in node.values():
            examples(v, found)
    elif isinstance(node, list):
        for v in node:
            examples(v, found)


docs = []
seeds = os.path.join(shared, "seeds")
for name in sorted(os.listdir(seeds)):
    if name.endswith(".txt"):
        docs += json_blocks(open(os.path.join(seeds, name), encoding="utf-8").read())
examples(json.load(open(os.path.join(shared, "specs", "elastic-cloud-api.swagger.json"))), docs)

os.makedirs(os.path.join(out, "json"), exist_ok=True)
for n, doc in enumerate(docs):
    body = (doc if isinstance(doc, str) else json.dumps(doc)).encode()
    for selector in range(24):
        with open(os.path.join(out, "json", f"seed-{n:03}-{selector:02}"), "wb") as f:
            f.write(bytes([selector]) + body)

samples = {
    0: ["192.168.131.0", "192.168.132.6/22", "10.0.0.0/8", "2001:db8::/32", "::1", "0.0.0.0/0"],
    1: ["198.51.100.0/24", "203.0.113.7"],
    2: ["vpce-00000000000", "vpce-0123456789abcdef0"],
    3: ["azure-demo", "my_endpoint.1"],
    4: ["7c0f05e4-e32b-4b10-a246-7b77f7dcc63c"],
    5: ["18446744072646845332", "18446744073709551615"],
    6: ["all", "tcp", "udp"],
    7: ["80, 443, 8000-8010", "1-65535", "443"],
    8: ["My ingress IP filter policy"],
    9: ["Allow inbound traffic from IP address 192.168.131.0"],
    10: ["192.168.0.1\n10.0.0.0/8, 172.16.0.0/12;fd00::/8"],
    11: ["us-east-1", "azure-eastus2", "gcp-us-central1", "ece-region", "aws-eu-west-1"],
}
os.makedirs(os.path.join(out, "validate"), exist_ok=True)
for selector, values in samples.items():
    for n, value in enumerate(values):
        with open(os.path.join(out, "validate", f"seed-{selector:02}-{n}"), "wb") as f:
            f.write(bytes([selector]) + value.encode())
print(f"{len(docs)} JSON documents, {sum(map(len, samples.values()))} validator samples")
