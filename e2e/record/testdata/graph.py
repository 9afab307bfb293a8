# Client credentials with Python requests, then Graph /v1.0/groups: an
# unchanged Python program for azrepl record's tests.
import os
import requests

tenant = os.environ["AZURE_TENANT_ID"]
r = requests.post(
    f"https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token",
    data={
        "grant_type": "client_credentials",
        "client_id": os.environ["AZURE_CLIENT_ID"],
        "client_secret": os.environ["AZURE_CLIENT_SECRET"],
        "scope": "https://graph.microsoft.com/.default",
    },
    timeout=30,
)
r.raise_for_status()
token = r.json()["access_token"]
g = requests.get(
    "https://graph.microsoft.com/v1.0/groups",
    headers={"Authorization": "Bearer " + token},
    timeout=30,
)
print(g.status_code)
