package io.github.wecomkit.wxqy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * Known answers computed once with Node.js's own crypto by {@code wxqy_vectors.js} (next to this class in the test
 * resources), which implements the scheme independently of the Java code. V2 was also produced with
 * {@code openssl enc -aes-128-cbc} and V1's signature with {@code sha1sum}; both matched byte for byte.
 */
public final class WxQyVectors {
    public static final String APP_ID = "wx8c4f1a2b3d5e6f70";
    public static final String OTHER_APP_ID = "wxfeedfacecafe0001";
    public static final String CORP_ID = "ww1234567890abcdef";
    public static final long TIMESTAMP = 1700000000L;
    public static final Instant WATERMARK_TIME = Instant.ofEpochSecond(TIMESTAMP);
    /** Base64 of the 16 bytes 6b8d1c2e9f047a35b1d6e80c4f2a9375. */
    public static final String SESSION_KEY = "a40cLp8EejWx1ugMTyqTdQ==";
    /** Base64 of the 16 bytes 00112233445566778899aabbccddeeff. */
    public static final String WRONG_KEY = "ABEiM0RVZneImaq7zN3u/w==";

    /** getEnterpriseUserInfo; the plaintext is 144 bytes, so PKCS#7 adds a whole block. */
    public static final String V1_RAW_DATA = "{\"name\":\"张三\",\"gender\":1,\"language\":\"zh_CN\"}";
    public static final String V1_SIGNATURE = "e7d4fcde2710fc2ebb209365c820f1549cd0c3cb";
    public static final String V1_IV = "EBESExQVFhcYGRobHB0eHw==";
    public static final String V1_ENCRYPTED = "LfQIxFXFRJMoXtSrTvvIKK2lJzjKuugfaB7EaweYCpkW+UxCaSWFhT8FrWzD7A7YKzjLZt6drMouGCBP"
            + "UQ0ghi/VLGd7bAQnBL4rE71RrEifiluveIU3GP5Si+kdN1MBvtQadtUzE/+hKSee5ZEKZ8+zZyu/34LveYh1xcXu5u+i3AMYT00Qle4YO"
            + "y+NESGmzOo3nsyUleunzX1IHtiG7Q==";
    /** hex(sha1(V1_RAW_DATA with gender 2 + session key)): a signature for changed rawData. */
    public static final String V1_CHANGED_RAW_DATA_SIGNATURE = "f77f563ec2a73d4404dfc724929926f9a2c6523e";

    /** getMobile, {"mobile":"13800138000",...}. */
    public static final String V2_MOBILE = "13800138000";
    public static final String V2_IV = "ICEiIyQlJicoKSorLC0uLw==";
    public static final String V2_ENCRYPTED = "foBp7nBgBWPFRzJoPX7aKHg+a6BIwK7ZhGyxXz0N74EjN1Qiv8pKLGanYQRUe+sT1HGWcN56tjldBdYN"
            + "B/xKJibQdD6/IMAVk6S5SRdAzJSb5HSq9uSQOqKmGLAG/Z2p";

    /** getMobile shaped like WeChat's phone number data: phoneNumber, purePhoneNumber, countryCode. */
    public static final String V3_MOBILE = "13900139000";
    public static final String V3_IV = "MDEyMzQ1Njc4OTo7PD0+Pw==";
    public static final String V3_ENCRYPTED = "W8ETb0wfQzlVodWceFcJF14X0w9LIOTiHHRVO7wntG9/BPNUvpUwaYyPIyJPxy+JSpSQM2Lb9XrQ3fzM"
            + "v+VY7qizdnoJh8d0M+965Cf2Pb/1sOu3tFn++DvZB6MytLMXnN+jH4gmoTwht/wG6Jz5WsqodKw/5LXTyCNP8NEbXj/G1MNBHjxNw2JbT"
            + "bRBFXiudJb200WXOoApPBvjtTqIZQ==";

    /** getEmail; 112 bytes of ciphertext. */
    public static final String V4_EMAIL = "zhangsan@example.com";
    public static final String V4_IV = "QEFCQ0RFRkdISUpLTE1OTw==";
    public static final String V4_ENCRYPTED = "qB/1Ibt8s71oIDNuO56uQu0PhxvcN+9MOCVR4Mw1RIpOrtmKgZvQETgXJ4wIBscIQk7bLGvv4mpCpnir"
            + "mAyBAur7/p08/cZCNetQEdfqmTtEqmu9UjYREQZrnjeicnW6Hv2OJ7A+upUqaGALrG9mPg==";

    /** getEmail whose 96-byte plaintext gets a whole block of padding. */
    public static final String V5_EMAIL = "lisi12@example.com";
    public static final String V5_IV = "UFFSU1RVVldYWVpbXF1eXw==";
    public static final String V5_ENCRYPTED = "m3+KifHxsi/gWaJMRuH5LLqmLz4rR36yem2GIBqjl+pPI8mZbvrJnCFvZmOo/T7EaeHczGjGsaMozV3D"
            + "2pGsCJYpaU4BkSsoIpxhrxgHWlKHFTQFFaekbXJKT53qEvas6ZeZ7XytXQaL7xxiu+fwJQ==";

    /** getEnterpriseUserInfo of a corp without the mini-program: encrypted userid, no name, gender "2", extra field. */
    public static final String V6_CORP_ID = "wwfedcba0987654321";
    public static final String V6_USER_ID = "woAJ2GCAAAXtWyujaWJHDDGi0mACHAAA";
    public static final String V6_RAW_DATA = "{\"gender\":2,\"language\":\"en\"}";
    public static final String V6_SIGNATURE = "d5513ffb0faaff8dbaa72d5492ac24cfccaa463d";
    public static final String V6_IV = "YGFiY2RlZmdoaWprbG1ubw==";
    public static final String V6_ENCRYPTED = "AMyDKNVzph1MS74uxt00i3mPJu0dNqRqXwcgZGQGqMeVJTynqIQlMjgRY5oFIePh1QuH7ek+xmcTAgMi"
            + "AIIpZwgT0kOClfIPxIKDOums08igKH6uirqz8BhQMsr1O0nXP1mlOT2akXKu1VMtI6WfKj0/YlvkOnlObcsDXWF7gQuSABJO4IMlabNuq"
            + "Usfwh9cientCrLLXFKY5U3CKyKj9eikuF2wGm1tCuok7D/f7Z8=";

    /** getEmail with the watermark timestamp 1700000000123, in milliseconds. */
    public static final String V7_EMAIL = "wangwu@example.com";
    public static final String V7_IV = "eHl6e3x9fn+AgYKDhIWGhw==";
    public static final String V7_ENCRYPTED = "MPOdD6S0KRBdqeXKSWLEKlVyyuMqscltw8YGVuxV6RHuVvc1CT4Z3MQlNnDXWhPQub60Llw"
            + "n9uF7J9dCf+M9Gr7bpkgVK4B+QAo+afNcSbVH2A6eR8rvhUEOeYYhMQxW/Nh1peIgCT+4Q9q5VBVueQ==";

    // Correctly encrypted, wrong inside (the plaintext is in the script).
    /** An email payload whose JSON lacks its closing brace. */
    public static final String T_BAD_JSON_IV = "cHFyc3R1dnd4eXp7fH1+fw==";
    public static final String T_BAD_JSON = "mkaDvBvwE8jWVjZM9xJluZSJ2t3Q/AK9uviC5T0OD880VseYQ/dCMxfcsv9/cyaS41SYDEO/wR9g3aEB"
            + "lUnZHPQIU50H7ODUkBPLayh9x6oQqVdBXvaWyJiSg4erqkK8qzUmQAe65prcfJFVlv9HEQ==";
    /** {"email":"zhangsan@example.com"}: no watermark. */
    public static final String T_NO_WATERMARK_IV = "cXJzdHV2d3h5ent8fX5/gA==";
    public static final String T_NO_WATERMARK = "bKERqf02NhFpi2TGAC2QjrQILqG3OuTqFQdISSOF+PSbv0YrFCzfMIUpIL39YoGd";
    /** An email payload for OTHER_APP_ID. */
    public static final String T_OTHER_APP_ID_IV = "cnN0dXZ3eHl6e3x9fn+AgQ==";
    public static final String T_OTHER_APP_ID = "sqPB4CWvpdXQzHNAIamj2g5/3rT/MODV+VW973DmcjK5/s8XC5pobebekj73qn74rxaXrT8sCIKnvh7"
            + "7qMX/5q/dsb+UW+9B3BzcNkQr2USD3HKSjG805lt9KMza5qjzdtuFt57NvMJ18bd4BHqwxg==";
    /** ["zhangsan@example.com"]: JSON, not an object. */
    public static final String T_NOT_OBJECT_IV = "c3R1dnd4eXp7fH1+f4CBgg==";
    public static final String T_NOT_OBJECT = "kptMF79+sQ4TuF7aCwgJrOjS+HAaOiUIFrpui+vmZco=";
    /** {"email":"a@example.com","email":"b@example.com",...}: a repeated field. */
    public static final String T_DUPLICATE_IV = "dHV2d3h5ent8fX5/gIGCgw==";
    public static final String T_DUPLICATE = "hHVbRdUZQbivT4xc7+o7/q9aKqvBBWJlraXQUQ9sgvcwTjBpGy3vvMP6+Traw7YbFBZ3g8XQjIKn8UfA"
            + "hBLlGoIAFdgBRNGoOHWl8dI2+4HFCsRT4+Fsza1plVy0+JR8UzuJI6Mw89FL3GuAbYb+HOeLDlkhPGzZmnQK/hGI6bg=";
    /** The bytes 7b 22 ff fe 22 7d: not UTF-8. */
    public static final String T_NOT_UTF8_IV = "dXZ3eHl6e3x9fn+AgYKDhA==";
    public static final String T_NOT_UTF8 = "de29Sr9VwzG7wWLZkun+1w==";
    /** An email payload whose watermark has no timestamp. */
    public static final String T_NO_TIMESTAMP_IV = "dnd4eXp7fH1+f4CBgoOEhQ==";
    public static final String T_NO_TIMESTAMP = "c05VRzJZIuGTvbWCtee9UeUQp3acQJDac5Vz1EXZIPNZrj6Hse9B+TLDMq16HP5cAyC/39qLDHxIp4s"
            + "DFWzwjbCOxkWrH71Zm2wX4QyTT6g=";
    /** {"phone":"13800138000",...}: none of the mobile field names. */
    public static final String T_NO_MOBILE_IV = "d3h5ent8fX5/gIGCg4SFhg==";
    public static final String T_NO_MOBILE = "s00bS+2mKkCS+9BmoNl9U/XLcJzBVwbAru7hL2nWIOaspXlT7ZGBTCwIZnPF3lkmF/vs00IrPVyPFs9X"
            + "KWtuIUsvBaZ0MMKMUbF2eICY4f479+FhpJs+FWeyDqWj7ape";

    private WxQyVectors() {
    }

    public static Clock clockAt(Instant instant) {
        return Clock.fixed(instant, ZoneOffset.UTC);
    }

    public static WxQyData decryptor() {
        return WxQyData.builder().appId(APP_ID).clock(clockAt(WATERMARK_TIME)).build();
    }
}
