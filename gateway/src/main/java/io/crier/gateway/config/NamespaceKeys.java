package io.crier.gateway.config;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Builds {@link NamespacesConfig} from the {@code namespaces.default.<option>} keys and the dynamic
 * {@code namespace.<name>.<option>} keys, where each unset option inherits the default. Every bad key is
 * reported under its full name. Stateless; used by {@link ConfigLoader} only.
 */
final class NamespaceKeys {

    /** The start of every dynamic per-namespace key. */
    static final String PREFIX = "namespace.";

    private static final String DEFAULTS_PREFIX = "namespaces.default.";

    private NamespaceKeys() {
    }

    /** @throws InvalidConfigException listing every bad option value */
    static NamespacesConfig namespaces(ConfigValues v) {
        ConfigProblems problems = new ConfigProblems();
        NamespaceOptions defaults = options(v, DEFAULTS_PREFIX, null, problems);
        Set<String> names = new TreeSet<>();
        v.withPrefix(PREFIX).keySet().forEach(key -> {
            String rest = key.substring(PREFIX.length());
            int dot = rest.lastIndexOf('.');
            String name = dot < 0 ? rest : rest.substring(0, dot);
            String option = dot < 0 ? "" : rest.substring(dot + 1);
            if (!NamespaceOptions.OPTIONS.contains(option)) {
                v.report(key, "unknown key: use namespace.<name>.<option> with an option of "
                        + new TreeSet<>(NamespaceOptions.OPTIONS));
            } else if (!NamespacesConfig.isName(name)) {
                v.report(key, "a namespace name must be 1 to " + NamespacesConfig.MAX_NAME_LENGTH
                        + " characters from A-Z a-z 0-9 _ - . @ =");
            } else {
                names.add(name);
            }
        });
        Map<String, NamespaceOptions> byName = new TreeMap<>();
        if (defaults != null) {
            for (String name : names) {
                NamespaceOptions options = options(v, PREFIX + name + ".", defaults, problems);
                if (options != null) {
                    byName.put(name, options);
                }
            }
        }
        problems.throwIfAny();
        return new NamespacesConfig(defaults, byName);
    }

    /**
     * The options under {@code prefix}, each unset one taken from {@code inherited} (null for the defaults,
     * whose keys are all bundled); null after reporting a bad value.
     */
    private static NamespaceOptions options(ConfigValues v, String prefix, NamespaceOptions inherited,
                                            ConfigProblems problems) {
        Predicate<String> set = option -> inherited == null || v.has(prefix + option);
        boolean anonymousSubscribe = set.test("anonymousSubscribe")
                ? v.bool(prefix + "anonymousSubscribe") : inherited.anonymousSubscribe();
        boolean clientPublish = set.test("clientPublish")
                ? v.bool(prefix + "clientPublish") : inherited.clientPublish();
        boolean personal = set.test("personal") ? v.bool(prefix + "personal") : inherited.personal();
        int historySize = set.test("historySize") ? v.integer(prefix + "historySize") : inherited.historySize();
        Duration historyTtl = set.test("historyTtl") ? v.duration(prefix + "historyTtl") : inherited.historyTtl();
        boolean historyCommand = set.test("historyCommand")
                ? v.bool(prefix + "historyCommand") : inherited.historyCommand();
        String presence = set.test("presence") ? v.string(prefix + "presence") : inherited.presence();
        boolean joinLeave = set.test("joinLeave") ? v.bool(prefix + "joinLeave") : inherited.joinLeave();
        boolean autoSubscribe = set.test("autoSubscribe")
                ? v.bool(prefix + "autoSubscribe") : inherited.autoSubscribe();
        NamespaceHooks hooks = new NamespaceHooks(
                set.test("proxySubscribe") ? v.string(prefix + "proxySubscribe") : inherited.hooks().subscribe(),
                set.test("proxyPublish") ? v.string(prefix + "proxyPublish") : inherited.hooks().publish(),
                set.test("proxyRpc") ? v.string(prefix + "proxyRpc") : inherited.hooks().rpc());
        ConfigProblems own = new ConfigProblems();
        NamespaceOptions.check(own, prefix, historySize, historyTtl, presence);
        NamespaceOptions.checkAutoSubscribe(own, prefix, personal, autoSubscribe);
        NamespaceHooks.check(own, prefix, hooks);
        if (!own.list().isEmpty()) {
            problems.addAll(own.list());
            return null;
        }
        return new NamespaceOptions(anonymousSubscribe, clientPublish, personal, historySize, historyTtl,
                historyCommand, presence, joinLeave, autoSubscribe, hooks);
    }
}
