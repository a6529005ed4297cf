#!/usr/bin/env python3
"""Computes the callback test vectors used by WeComCallbackVectorTest.

Run once with Python 3 and the `cryptography` package; the printed values were pasted into the test as
constants. The algorithm is written out here from the protocol description, independently of the Java code:

  msg_signature = hex(sha1(concat(sorted([token, timestamp, nonce, encrypt]))))
  aes_key       = base64decode(encoding_aes_key + "="), iv = aes_key[:16], AES-256-CBC without library padding
  plaintext     = random(16) | len(msg) as 4 bytes big-endian | msg (UTF-8) | receive_id, PKCS#7-padded to 32
  encrypt       = base64(ciphertext)

Nothing in the build runs this script; it documents where the constants came from.
"""
import base64
import hashlib
import struct

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

TOKEN = "wecomkitToken2024"
ENCODING_AES_KEY = "kWxPL5UDgQCpqm1EyJ8DCfpA4xZ9Hn7oBrTvY2sNe3G"
CORP_ID = "ww1234567890abcdef"
SUITE_ID = "wwsuite0123456789"


def pad32(data):
    n = 32 - len(data) % 32
    return data + bytes([n]) * n


def encrypt(msg, receive_id, random16):
    key = base64.b64decode(ENCODING_AES_KEY + "=")
    assert len(key) == 32
    body = msg.encode("utf-8")
    plain = pad32(random16 + struct.pack(">I", len(body)) + body + receive_id.encode("utf-8"))
    enc = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    return base64.b64encode(enc.update(plain) + enc.finalize()).decode("ascii"), len(plain) - len(random16) - 4 - len(body) - len(receive_id)


def sign(timestamp, nonce, encrypted):
    return hashlib.sha1("".join(sorted([TOKEN, timestamp, nonce, encrypted])).encode("utf-8")).hexdigest()


def show(name, msg, receive_id, random16, timestamp, nonce):
    encrypted, pad = encrypt(msg, receive_id, random16)
    print(f"{name}: padding={pad}")
    print(f"  encrypt       = {encrypted}")
    print(f"  msg_signature = {sign(timestamp, nonce, encrypted)}")


# V1: reply with Chinese text (msg_len counts UTF-8 bytes, not chars); random 0x10..0x1f.
V1 = ("<xml><ToUserName><![CDATA[zhangsan]]></ToUserName><FromUserName><![CDATA[ww1234567890abcdef]]></FromUserName>"
      "<CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType>"
      "<Content><![CDATA[你好，企业微信]]></Content></xml>")
show("V1", V1, CORP_ID, bytes(range(0x10, 0x20)), "1700000000", "1234567890")

# V2: member subscribe event; random 0xa0..0xaf.
V2 = ("<xml><ToUserName><![CDATA[ww1234567890abcdef]]></ToUserName><FromUserName><![CDATA[lisi]]></FromUserName>"
      "<CreateTime>1700000100</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event>"
      "<AgentID>1000002</AgentID></xml>")
show("V2", V2, CORP_ID, bytes(range(0xa0, 0xb0)), "1700000100", "9876543210")

# V3: URL verification echostr; random = ASCII "wecomkit-vector3".
show("V3", "4402618293156048297", CORP_ID, b"wecomkit-vector3", "1700000200", "5550001112")

# V4: suite_ticket to the suite id, sized so the padding is a whole 32-byte block; random all zero.
V4 = ("<xml><SuiteId><![CDATA[wwsuite0123456789]]></SuiteId><InfoType><![CDATA[suite_ticket]]></InfoType>"
      "<TimeStamp>1700000300</TimeStamp><SuiteTicket><![CDATA[ticket-{}]]></SuiteTicket></xml>")
filler = next("x" * i for i in range(64) if (16 + 4 + len(V4.format("x" * i)) + len(SUITE_ID)) % 32 == 0)
print("V4 ticket filler length:", len(filler))
show("V4", V4.format(filler), SUITE_ID, bytes(16), "1700000300", "0000000001")
