"""An independent Sign-In with Ethereum client for the auth tests.

Builds EIP-4361 messages with the reference `siwe` package and signs them
(EIP-191 personal_sign) with eth-account, so the server is checked against
code it shares nothing with.

    chain/.venv/bin/python siwe_client.py requests.json answers.json

requests.json: a JSON list of objects with
    key             hex private key that signs
    domain, uri, chainId, nonce, issuedAt
    expirationTime, notBefore, statement   optional
    address         optional: the message's address (default: the key's),
                    to make a message signed by another account than it names
answers.json: a JSON list of {"message", "signature", "address"} in the same order.

Output goes to a file rather than stdout: the abnf grammar the siwe package
loads prints warnings, and the test reads the whole file when the process exits.
"""

import json
import sys
import warnings

warnings.simplefilter("ignore")

from eth_account import Account  # noqa: E402
from eth_account.messages import encode_defunct  # noqa: E402
from siwe import SiweMessage  # noqa: E402


def sign(request):
    account = Account.from_key(request["key"])
    fields = {
        "domain": request["domain"],
        "address": request.get("address") or account.address,
        "uri": request["uri"],
        "version": "1",
        "chain_id": request["chainId"],
        "nonce": request["nonce"],
        "issued_at": request["issuedAt"],
    }
    for name, field in (("expirationTime", "expiration_time"), ("notBefore", "not_before"), ("statement", "statement")):
        if request.get(name) is not None:
            fields[field] = request[name]
    message = SiweMessage(**fields).prepare_message()
    signed = Account.sign_message(encode_defunct(text=message), private_key=request["key"])
    signature = signed.signature.hex()
    if not signature.startswith("0x"):
        signature = "0x" + signature
    return {"message": message, "signature": signature, "address": account.address}


def main():
    with open(sys.argv[1]) as source:
        requests = json.load(source)
    answers = [sign(request) for request in requests]
    with open(sys.argv[2], "w") as target:
        json.dump(answers, target)


if __name__ == "__main__":
    main()
