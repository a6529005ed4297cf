package io.github.wecomkit.benchmarks;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import java.util.List;

/** The JSON shapes the hand-written baselines bind with Jackson, the way an application would. */
final class Json {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    static final ObjectReader TOKEN = MAPPER.readerFor(TokenResponse.class);
    static final ObjectReader SESSION = MAPPER.readerFor(SessionResponse.class);
    static final ObjectReader MEMBER = MAPPER.readerFor(MemberResponse.class);

    private Json() {
    }
}

@JsonIgnoreProperties(ignoreUnknown = true)
record TokenResponse(int errcode, String errmsg,
                     @JsonProperty("access_token") String accessToken,
                     @JsonProperty("expires_in") long expiresIn) {
}

@JsonIgnoreProperties(ignoreUnknown = true)
record SessionResponse(int errcode, String errmsg, String corpid, String userid,
                       @JsonProperty("session_key") String sessionKey) {
}

/** The fields wecomkit's {@code Member} and WxJava's {@code WxCpUser} both expose. */
@JsonIgnoreProperties(ignoreUnknown = true)
record MemberResponse(int errcode, String errmsg, String userid, String name, List<Long> department,
                      List<Long> order, String position, String mobile, String gender, String email,
                      @JsonProperty("biz_mail") String bizMail,
                      @JsonProperty("is_leader_in_dept") List<Integer> isLeaderInDept,
                      @JsonProperty("direct_leader") List<String> directLeader, String avatar,
                      @JsonProperty("thumb_avatar") String thumbAvatar, String telephone, String alias,
                      String address, @JsonProperty("open_userid") String openUserid,
                      @JsonProperty("main_department") Long mainDepartment, int status,
                      @JsonProperty("qr_code") String qrCode,
                      @JsonProperty("external_position") String externalPosition) {
}
