package io.github.wecomkit.testkit;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A corp on a {@link FakeWeCom}: its apps (one per secret) and its members.
 *
 * <pre>{@code
 * FakeCorp corp = wecom.addCorp("wwcorp", "secret");
 * corp.addMember("zhangsan", "张三");
 * corp.addMember(FakeMember.builder("lisi").name("李四").department(2).build());
 * String code = wecom.issueCode("wwcorp", "zhangsan");
 * }</pre>
 *
 * <p>A corp has associated the mini-program while one of its apps is a mini-program's app (the one
 * {@link FakeWeCom#addCorp(String, String)} creates is, until {@link FakeApp#miniProgram(boolean)} says
 * otherwise). A member of a corp that has not gets an encrypted userid from {@code jscode2session}
 * ({@link FakeWeCom#encryptedUserId(String, String)}), as in WeCom.
 */
public final class FakeCorp {
    private final String corpId;
    private final List<FakeApp> apps = new CopyOnWriteArrayList<>();
    private final Map<String, FakeMember> members = new ConcurrentHashMap<>();
    private final Set<String> tags = ConcurrentHashMap.newKeySet();
    private final AtomicLong nextAgentId = new AtomicLong(1000002);

    FakeCorp(String corpId) {
        this.corpId = corpId;
    }

    /** @return the corp id */
    public String corpId() {
        return corpId;
    }

    /** @return the corp's first app, the one {@link FakeWeCom#addCorp(String, String)} created */
    public FakeApp app() {
        return apps.get(0);
    }

    /**
     * Adds an app with its own secret (and so its own tokens).
     *
     * @param secret the app's secret
     * @return the new app, a mini-program's app unless changed with {@link FakeApp#miniProgram(boolean)}
     * @throws IllegalArgumentException if the secret is blank or another app of this corp has it
     */
    public FakeApp addApp(String secret) {
        Objects.requireNonNull(secret, "secret == null");
        if (secret.isBlank()) {
            throw new IllegalArgumentException("secret is blank");
        }
        synchronized (apps) {
            if (appBySecret(secret).isPresent()) {
                throw new IllegalArgumentException("corp " + corpId + " has an app with this secret already");
            }
            FakeApp app = new FakeApp(this, secret, nextAgentId.getAndIncrement());
            apps.add(app);
            return app;
        }
    }

    /** Removes an app (a 代开发 customised app whose authorisation ended): its secret stops working. */
    void removeApp(FakeApp app) {
        apps.remove(app);
    }

    /** @return the apps, unmodifiable */
    public List<FakeApp> apps() {
        return List.copyOf(apps);
    }

    /**
     * Adds a member with default values for every field but the name.
     *
     * @param userId the userid
     * @param name   the display name
     * @return the member
     */
    public FakeMember addMember(String userId, String name) {
        return addMember(FakeMember.builder(userId).name(name).build());
    }

    /**
     * Adds a member, replacing one with the same userid (compared case-insensitively, as WeCom does).
     *
     * @param member the member
     * @return the member
     */
    public FakeMember addMember(FakeMember member) {
        Objects.requireNonNull(member, "member == null");
        members.put(FakeApp.key(member.userId()), member);
        return member;
    }

    /**
     * Removes a member, as when someone leaves: {@code user/get} then answers 60111.
     *
     * @param userId the userid
     * @return whether the member existed
     */
    public boolean removeMember(String userId) {
        return members.remove(FakeApp.key(userId)) != null;
    }

    /**
     * Looks a member up (case-insensitively).
     *
     * @param userId the userid
     * @return the member, if the corp has one
     */
    public Optional<FakeMember> member(String userId) {
        return Optional.ofNullable(members.get(FakeApp.key(userId)));
    }

    /**
     * Adds a tag, so that a message to it ({@code totag}) reaches the corp; the fake lists a tag it does not know
     * as invalid ({@code invalidtag}).
     *
     * @param tagId the tag id
     * @return this corp
     */
    public FakeCorp addTag(long tagId) {
        if (tagId < 0) {
            throw new IllegalArgumentException("tagId is negative: " + tagId);
        }
        tags.add(Long.toString(tagId));
        return this;
    }

    /** @return whether one of the corp's apps is a mini-program's app, i.e. the corp associated the mini-program */
    public boolean associatesMiniProgram() {
        return apps.stream().anyMatch(FakeApp::isMiniProgram);
    }

    /** The root department (1) and every department a member is in exist. */
    boolean hasDepartment(String partyId) {
        long id;
        try {
            id = Long.parseLong(partyId);
        } catch (NumberFormatException e) {
            return false;
        }
        return id == 1 || members.values().stream().anyMatch(m -> m.department().contains(id));
    }

    boolean hasTag(String tagId) {
        return tags.contains(tagId);
    }

    Optional<FakeApp> appBySecret(String secret) {
        for (FakeApp app : apps) {
            if (app.secret().equals(secret)) {
                return Optional.of(app);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return "FakeCorp{corpId=" + corpId + ", apps=" + apps.size() + ", members=" + members.size() + "}";
    }
}
