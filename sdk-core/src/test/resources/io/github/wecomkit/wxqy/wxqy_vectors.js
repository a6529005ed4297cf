#!/usr/bin/env node
// Computes the wx.qy test vectors used by WxQyDataVectorTest and WxQyDataTamperTest.
//
// Run once with Node.js (v20, nothing to install): `node wxqy_vectors.js`; the printed values were pasted into
// the tests as constants. The algorithm is written out here from the mini-program's "encrypted data" description,
// with Node's own crypto, independently of the Java code:
//
//   signature     = hex(sha1(rawData + session_key))        session_key as the Base64 text jscode2session returns
//   key           = base64decode(session_key)                16 bytes
//   iv            = base64decode(iv)                         16 bytes
//   encryptedData = base64(AES-128-CBC(key, iv, PKCS#7(plaintext JSON as UTF-8)))
//
// For the tampered inputs the script also decrypts with Node and says what a careful decoder must answer
// (Node's "bad decrypt" or non-UTF-8 text -> BAD_CIPHERTEXT, text that is not JSON -> BAD_JSON), so the tests'
// expected reasons do not come from the code under test either. Nothing in the build runs this script.
'use strict';
const crypto = require('crypto');

const APP_ID = 'wx8c4f1a2b3d5e6f70';
const OTHER_APP_ID = 'wxfeedfacecafe0001';
const CORP_ID = 'ww1234567890abcdef';
const TIMESTAMP = 1700000000;
const SESSION_KEY = Buffer.from('6b8d1c2e9f047a35b1d6e80c4f2a9375', 'hex').toString('base64');
const WRONG_KEY = Buffer.from('00112233445566778899aabbccddeeff', 'hex').toString('base64');

function iv(n) { // a distinct fixed IV per vector: bytes n, n+1, ... n+15
  return Buffer.from(Array.from({ length: 16 }, (_, i) => (n + i) & 0xff));
}

function encrypt(sessionKey, ivBytes, plaintext) {
  const c = crypto.createCipheriv('aes-128-cbc', Buffer.from(sessionKey, 'base64'), ivBytes);
  const input = Buffer.isBuffer(plaintext) ? plaintext : Buffer.from(plaintext, 'utf8');
  return Buffer.concat([c.update(input), c.final()]).toString('base64');
}

function sign(rawData, sessionKey) {
  return crypto.createHash('sha1').update(rawData + sessionKey, 'utf8').digest('hex');
}

function expectedReason(sessionKey, ivB64, encryptedData) {
  let plain;
  try {
    const d = crypto.createDecipheriv('aes-128-cbc', Buffer.from(sessionKey, 'base64'), Buffer.from(ivB64, 'base64'));
    plain = Buffer.concat([d.update(Buffer.from(encryptedData, 'base64')), d.final()]);
  } catch (e) {
    return 'BAD_CIPHERTEXT (' + e.reason + ')';
  }
  let text;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(plain);
  } catch (e) {
    return 'BAD_CIPHERTEXT (not UTF-8)';
  }
  try {
    JSON.parse(text);
    return 'decrypts to JSON: ' + text;
  } catch (e) {
    return 'BAD_JSON';
  }
}

const watermark = (appid) => `"watermark":{"appid":"${appid}","timestamp":${TIMESTAMP}}`;

function show(name, plaintext, ivBytes, rawData) {
  const plainBytes = Buffer.isBuffer(plaintext) ? plaintext : Buffer.from(plaintext, 'utf8');
  const encryptedData = encrypt(SESSION_KEY, ivBytes, plaintext);
  console.log(`${name}: plaintext ${plainBytes.length} bytes, padding ${16 - plainBytes.length % 16}`);
  console.log(`  iv            = ${ivBytes.toString('base64')}`);
  console.log(`  encryptedData = ${encryptedData}`);
  if (rawData !== undefined) {
    console.log(`  signature     = ${sign(rawData, SESSION_KEY)}`);
  }
  return { iv: ivBytes.toString('base64'), encryptedData };
}

console.log(`session_key = ${SESSION_KEY}`);
console.log(`wrong key   = ${WRONG_KEY}`);

// V1: getEnterpriseUserInfo, Chinese name (rawData and plaintext are UTF-8). The signature was also checked with
//   printf %s "$rawData$session_key" | sha1sum
const V1_RAW = '{"name":"张三","gender":1,"language":"zh_CN"}';
const v1 = show('V1', `{"corpid":"${CORP_ID}","userid":"zhangsan","name":"张三","gender":1,${watermark(APP_ID)}}`,
  iv(0x10), V1_RAW);

// V2: getMobile with the field name "mobile" (the likely WeCom name; unconfirmed). Also checked with
//   openssl enc -aes-128-cbc -K 6b8d1c2e9f047a35b1d6e80c4f2a9375 -iv 202122232425262728292a2b2c2d2e2f -base64 -A
const v2 = show('V2', `{"mobile":"13800138000",${watermark(APP_ID)}}`, iv(0x20));

// V3: getMobile shaped like the WeChat mini-program's phone number data.
show('V3', `{"phoneNumber":"13900139000","purePhoneNumber":"13900139000","countryCode":"86",${watermark(APP_ID)}}`,
  iv(0x30));

// V4: getEmail.
const v4 = show('V4', `{"email":"zhangsan@example.com",${watermark(APP_ID)}}`, iv(0x40));

// V5: getEmail sized so the plaintext is a whole number of blocks: PKCS#7 adds a full 16-byte block.
const v5plain = (local) => `{"email":"${local}@example.com",${watermark(APP_ID)}}`;
const local = ['lisi', 'lisi1', 'lisi12', 'lisi123', 'lisi1234', 'lisi12345', 'lisi123456', 'lisi1234567',
  'lisi12345678', 'lisi123456789', 'lisi1234567890', 'lisi12345678901', 'lisi123456789012',
  'lisi1234567890123', 'lisi12345678901234', 'lisi123456789012345']
  .find((l) => Buffer.byteLength(v5plain(l)) % 16 === 0);
console.log('V5 local part:', local);
show('V5', v5plain(local), iv(0x50));

// V6: getEnterpriseUserInfo of a corp that has not associated the mini-program (encrypted-looking userid), no
// name, gender as a string, an extra field, watermark members in the other order.
const V6_RAW = '{"gender":2,"language":"en"}';
show('V6', `{"corpid":"wwfedcba0987654321","userid":"woAJ2GCAAAXtWyujaWJHDDGi0mACHAAA","gender":"2",`
  + `"language":"en","watermark":{"timestamp":${TIMESTAMP},"appid":"${APP_ID}"}}`, iv(0x60), V6_RAW);

// V7: getEmail whose watermark timestamp is in milliseconds (WeCom does not state the unit).
show('V7', `{"email":"wangwu@example.com","watermark":{"appid":"${APP_ID}","timestamp":${TIMESTAMP}123}}`, iv(0x78));

// Tampered plaintexts, encrypted correctly.
show('T_BAD_JSON', `{"email":"zhangsan@example.com",${watermark(APP_ID)}`, iv(0x70));
show('T_NO_WATERMARK', '{"email":"zhangsan@example.com"}', iv(0x71));
show('T_OTHER_APP_ID', `{"email":"zhangsan@example.com",${watermark(OTHER_APP_ID)}}`, iv(0x72));
show('T_NOT_OBJECT', '["zhangsan@example.com"]', iv(0x73));
show('T_DUPLICATE', `{"email":"a@example.com","email":"b@example.com",${watermark(APP_ID)}}`, iv(0x74));
show('T_NOT_UTF8', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), iv(0x75));
show('T_NO_TIMESTAMP', `{"email":"zhangsan@example.com","watermark":{"appid":"${APP_ID}"}}`, iv(0x76));
show('T_NO_MOBILE', `{"phone":"13800138000",${watermark(APP_ID)}}`, iv(0x77));

// Tampered ciphertexts: what Node makes of them.
function flip(b64, index) {
  const b = Buffer.from(b64, 'base64');
  b[index < 0 ? b.length + index : index] ^= 0x01;
  return b.toString('base64');
}
const v4len = Buffer.from(v4.encryptedData, 'base64').length;
console.log(`V4 ciphertext is ${v4len} bytes`);
console.log('V4 with the wrong key:', expectedReason(WRONG_KEY, v4.iv, v4.encryptedData));
console.log('V4, last byte flipped:', expectedReason(SESSION_KEY, v4.iv, flip(v4.encryptedData, -1)));
console.log('V4, byte 3 flipped:', expectedReason(SESSION_KEY, v4.iv, flip(v4.encryptedData, 3)));
const v4truncated = Buffer.from(v4.encryptedData, 'base64').subarray(0, v4len - 16).toString('base64');
console.log('V4 without its last block:', expectedReason(SESSION_KEY, v4.iv, v4truncated));
console.log('V4, iv byte 0 flipped:', expectedReason(SESSION_KEY, flip(v4.iv, 0), v4.encryptedData));
console.log('V2 with the wrong key:', expectedReason(WRONG_KEY, v2.iv, v2.encryptedData));
console.log('V1 signature with rawData changed:', sign(V1_RAW.replace('1', '2'), SESSION_KEY));
console.log('V1 decrypted with its own key:', expectedReason(SESSION_KEY, v1.iv, v1.encryptedData));
