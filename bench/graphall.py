"""The baseline for graph.all: a plain Python loop over @odata.nextLink that
keeps every item, with requests when installed (else urllib; say which).
Usage: graphall.py TOKEN. Proxy and CA come from the environment."""
import json, sys, time

url = "https://graph.microsoft.com/v1.0/groups?$top=999"
headers = {"Authorization": "Bearer " + sys.argv[1]}
items = []
t = time.time()
try:
    import requests

    lib = "requests"
    s = requests.Session()
    while url:
        page = s.get(url, headers=headers).json()
        items.extend(page["value"])
        url = page.get("@odata.nextLink")
except ImportError:
    import urllib.request

    lib = "urllib"
    while url:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers)) as r:
            page = json.load(r)
        items.extend(page["value"])
        url = page.get("@odata.nextLink")
ms = int((time.time() - t) * 1000)
print(json.dumps({"ms": ms, "items": len(items), "unique": len({g["id"] for g in items}), "lib": lib}))
