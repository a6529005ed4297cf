package io.github.wecomkit;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.github.wecomkit.internal.ApiReply;
import java.util.List;

/**
 * WeCom's JSON answers, as parsed: field names mapped explicitly, unknown fields ignored. Package-private:
 * callers only ever see the public result types built from these.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
class ApiResponse extends ApiReply {

    @JsonIgnoreProperties(ignoreUnknown = true)
    static final class Token extends ApiResponse {
        @JsonProperty("access_token")
        public String accessToken;
        @JsonProperty("expires_in")
        public long expiresIn;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    static final class Session extends ApiResponse {
        public String corpid;
        public String userid;
        @JsonProperty("session_key")
        public String sessionKey;
        public String deviceid;
        @JsonProperty("open_userid")
        public String openUserid;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    static final class User extends ApiResponse {
        public String userid;
        public String name;
        public List<Long> department;
        public List<Long> order;
        public String position;
        public String mobile;
        public String gender;
        public String email;
        @JsonProperty("biz_mail")
        public String bizMail;
        @JsonProperty("is_leader_in_dept")
        public List<Integer> isLeaderInDept;
        @JsonProperty("direct_leader")
        public List<String> directLeader;
        public String avatar;
        @JsonProperty("thumb_avatar")
        public String thumbAvatar;
        public String telephone;
        public String alias;
        public String address;
        @JsonProperty("open_userid")
        public String openUserid;
        @JsonProperty("main_department")
        public Long mainDepartment;
        public Attributes extattr;
        public Integer status;
        @JsonProperty("qr_code")
        public String qrCode;
        @JsonProperty("external_position")
        public String externalPosition;
        @JsonProperty("external_profile")
        public ExternalProfile externalProfile;
        public Integer enable;
        public Integer isleader;
        @JsonProperty("hide_mobile")
        public Integer hideMobile;
        @JsonProperty("english_name")
        public String englishName;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    static final class Attributes {
        public List<Attribute> attrs;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    static final class Attribute {
        public Integer type;
        public String name;
        public Text text;
        public Web web;
        public MiniProgram miniprogram;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    static final class Text {
        public String value;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    static final class Web {
        public String url;
        public String title;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    static final class MiniProgram {
        public String appid;
        public String pagepath;
        public String title;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    static final class ExternalProfile {
        @JsonProperty("external_corp_name")
        public String externalCorpName;
        @JsonProperty("wechat_channels")
        public WechatChannels wechatChannels;
        @JsonProperty("external_attr")
        public List<Attribute> externalAttr;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    static final class WechatChannels {
        public String nickname;
        public Integer status;
    }
}
