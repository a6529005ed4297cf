package io.github.wecomkit.testing;

/** WeCom answers, shaped as in WeCom's documentation examples. */
public final class Payloads {
    public static final String CORP_ID = "wwcorp0000000001";
    public static final String SECRET = "s3cr3t-Secret-Value-0123456789abcdefXYZ";
    public static final String TOKEN_1 = "tok1-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    public static final String TOKEN_2 = "tok2-BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB";
    public static final String TOKEN_3 = "tok3-CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC";
    public static final String CODE = "code-061Ji5Ga1GkTpK0JsBHa1yJ5Ga1Ji5GG";
    public static final String SESSION_KEY = "kJtdi6RF+Dv67QkbLlPGjw==";
    public static final String USER_ID = "zhangsan";

    private Payloads() {
    }

    public static String token(String value, long expiresIn) {
        return "{\"errcode\":0,\"errmsg\":\"ok\",\"access_token\":\"" + value + "\",\"expires_in\":" + expiresIn + "}";
    }

    public static String session(String corpId, String userId) {
        return "{\"corpid\":\"" + corpId + "\",\"userid\":\"" + userId + "\",\"session_key\":\"" + SESSION_KEY
                + "\",\"errcode\":0,\"errmsg\":\"ok\"}";
    }

    public static String error(int errcode, String errmsg) {
        return "{\"errcode\":" + errcode + ",\"errmsg\":\"" + errmsg
                + ", hint: [1699999999_12_abcdef], from ip: 127.0.0.1, more info at"
                + " https://open.work.weixin.qq.com/devtool/query?e=" + errcode + "\"}";
    }

    /** The official user/get example (self-built app), every documented field present. */
    public static final String USER = "{\n"
            + "  \"errcode\": 0,\n"
            + "  \"errmsg\": \"ok\",\n"
            + "  \"userid\": \"zhangsan\",\n"
            + "  \"name\": \"张三\",\n"
            + "  \"department\": [1, 2],\n"
            + "  \"order\": [1, 2],\n"
            + "  \"position\": \"后台工程师\",\n"
            + "  \"mobile\": \"13800000000\",\n"
            + "  \"gender\": \"1\",\n"
            + "  \"email\": \"zhangsan@gzdev.com\",\n"
            + "  \"biz_mail\": \"zhangsan@qyycs2.wecom.work\",\n"
            + "  \"is_leader_in_dept\": [1, 0],\n"
            + "  \"direct_leader\": [\"lisi\", \"wangwu\"],\n"
            + "  \"avatar\": \"http://wx.qlogo.cn/mmopen/ajNVdqHZLLA3WJ6DSZUfiakYe37PKnQhBIeOQBO4czqrnZDS79FH5Wm5m4X69TBicnHFlhiafvDwklOpZeXYQQ2icg/0\",\n"
            + "  \"thumb_avatar\": \"http://wx.qlogo.cn/mmopen/ajNVdqHZLLA3WJ6DSZUfiakYe37PKnQhBIeOQBO4czqrnZDS79FH5Wm5m4X69TBicnHFlhiafvDwklOpZeXYQQ2icg/100\",\n"
            + "  \"telephone\": \"020-123456\",\n"
            + "  \"alias\": \"jackzhang\",\n"
            + "  \"address\": \"广州市海珠区新港中路\",\n"
            + "  \"open_userid\": \"xxxxxx\",\n"
            + "  \"main_department\": 1,\n"
            + "  \"extattr\": {\n"
            + "    \"attrs\": [\n"
            + "      {\"type\": 0, \"name\": \"文本名称\", \"text\": {\"value\": \"文本\"}},\n"
            + "      {\"type\": 1, \"name\": \"网页名称\", \"web\": {\"url\": \"http://www.test.com\", \"title\": \"标题\"}}\n"
            + "    ]\n"
            + "  },\n"
            + "  \"status\": 1,\n"
            + "  \"qr_code\": \"https://open.work.weixin.qq.com/wwopen/userQRCode?vcode=xxx\",\n"
            + "  \"external_position\": \"产品经理\",\n"
            + "  \"external_profile\": {\n"
            + "    \"external_corp_name\": \"企业简称\",\n"
            + "    \"wechat_channels\": {\"nickname\": \"视频号名称\", \"status\": 1},\n"
            + "    \"external_attr\": [\n"
            + "      {\"type\": 0, \"name\": \"文本名称\", \"text\": {\"value\": \"文本\"}},\n"
            + "      {\"type\": 1, \"name\": \"网页名称\", \"web\": {\"url\": \"http://www.test.com\", \"title\": \"标题\"}},\n"
            + "      {\"type\": 2, \"name\": \"测试app\", \"miniprogram\": {\"appid\": \"wx8bd80126147dFAKE\","
            + " \"pagepath\": \"/index\", \"title\": \"my miniprogram\"}}\n"
            + "    ]\n"
            + "  },\n"
            + "  \"enable\": 1,\n"
            + "  \"a_field_from_the_future\": {\"nested\": [1, 2, 3]}\n"
            + "}";
}
