package io.github.wecomkit.suite;

import java.util.List;
import java.util.Optional;

/**
 * What a corp granted a suite ({@code get_auth_info}, also part of {@code get_permanent_code} v1): the corp, and
 * per authorised app (agent) its agent id, its mini-program app id and its visible range. Parsed leniently: a
 * field WeCom leaves out is {@code ""}, {@code 0} or an empty list, and unknown fields are ignored.
 *
 * <pre>{@code
 * AuthInfo info = suite.authInfo(corpId);
 * long agentId = info.agents().get(0).agentId();
 * List<String> visible = info.agents().get(0).privilege().allowUsers();
 * }</pre>
 *
 * @param corp         the authorising corp ({@code auth_corp_info})
 * @param agents       the authorised apps ({@code auth_info.agent}), unmodifiable
 * @param dealerCorpId the reseller's corp id ({@code dealer_corp_info.corpid}), or {@code ""} when none
 */
public record AuthInfo(Corp corp, List<Agent> agents, String dealerCorpId) {

    /** Keeps an unmodifiable copy of the agents. */
    public AuthInfo {
        agents = List.copyOf(agents);
    }

    /**
     * @param appId a mini-program's app id
     * @return the authorised agent bound to that mini-program, if any
     */
    public Optional<Agent> agentForMiniProgram(String appId) {
        return agents.stream().filter(a -> a.appId().equals(appId)).findFirst();
    }

    /**
     * The authorising corp ({@code auth_corp_info}).
     *
     * <pre>{@code
     * String name = info.corp().name();
     * }</pre>
     *
     * @param corpId          {@code corpid}
     * @param name            {@code corp_name}
     * @param fullName        {@code corp_full_name}
     * @param type            {@code corp_type}: {@code verified}, {@code unverified}, ...
     * @param squareLogoUrl   {@code corp_square_logo_url}
     * @param userMax         {@code corp_user_max}
     * @param subjectType     {@code subject_type}: 1 company, 2 government or public institution, ...
     * @param verifiedEndTime {@code verified_end_time}, epoch seconds, 0 when none
     * @param scale           {@code corp_scale}
     * @param industry        {@code corp_industry}
     * @param subIndustry     {@code corp_sub_industry}
     */
    public record Corp(String corpId, String name, String fullName, String type, String squareLogoUrl,
                       long userMax, int subjectType, long verifiedEndTime, String scale, String industry,
                       String subIndustry) {
    }

    /**
     * One authorised app ({@code auth_info.agent[]}).
     *
     * <pre>{@code
     * long agentId = agent.agentId();
     * }</pre>
     *
     * @param agentId          {@code agentid}: the app's id in that corp
     * @param name             {@code name}
     * @param squareLogoUrl    {@code square_logo_url}
     * @param roundLogoUrl     {@code round_logo_url}
     * @param appId            {@code appid}: the mini-program app id, {@code ""} for an app without one
     * @param authMode         {@code auth_mode}: 0 authorised by an admin, 1 by a member
     * @param customizedApp    {@code is_customized_app}: a 代开发 (customised) app
     * @param authFromThirdApp {@code auth_from_thirdapp}: authorised from a third-party app
     * @param privilege        {@code privilege}: the visible range
     */
    public record Agent(long agentId, String name, String squareLogoUrl, String roundLogoUrl, String appId,
                        int authMode, boolean customizedApp, boolean authFromThirdApp, Privilege privilege) {
    }

    /**
     * An app's visible range ({@code privilege}).
     *
     * <pre>{@code
     * boolean everyone = privilege.allowParties().contains(1L);
     * }</pre>
     *
     * @param level        {@code level}: 1 read-only contacts, 2 read-write, ...
     * @param allowParties {@code allow_party}
     * @param allowUsers   {@code allow_user}
     * @param allowTags    {@code allow_tag}
     * @param extraParties {@code extra_party}
     * @param extraUsers   {@code extra_user}
     * @param extraTags    {@code extra_tag}
     */
    public record Privilege(int level, List<Long> allowParties, List<String> allowUsers, List<Long> allowTags,
                            List<Long> extraParties, List<String> extraUsers, List<Long> extraTags) {

        /** Keeps unmodifiable copies of the lists. */
        public Privilege {
            allowParties = List.copyOf(allowParties);
            allowUsers = List.copyOf(allowUsers);
            allowTags = List.copyOf(allowTags);
            extraParties = List.copyOf(extraParties);
            extraUsers = List.copyOf(extraUsers);
            extraTags = List.copyOf(extraTags);
        }
    }
}
