using Akka.Cluster.Hosting.SBR;
using Akka.Configuration;

namespace ActorCluster.Node.Hosting;

/// <summary>
/// cluster-config/node.hocon as shipped next to the binary, with the file given by <c>--config</c> layered
/// over it, key by key. Read once, here: the job store, the profiler keys and the split brain resolver come
/// out typed, and the whole of it is the HOCON a node's actor system runs with (log level, failure
/// detector, any other Akka key an operator sets).
/// </summary>
public sealed class NodeConfigFile
{
    public const string ShippedName = "cluster-config/node.hocon";
    public const string DbKey = "actorcluster.db";
    public const string TlsCertificateKey = "actorcluster.tls.cert";
    public const string TlsKeyKey = "actorcluster.tls.key";
    public const string TlsPasswordKey = "actorcluster.tls.password";
    public const string TlsAuthorityKey = "actorcluster.tls.ca";
    public const string AllowExecKey = "actorcluster.allow-exec";
    public const string PluginsKey = "actorcluster.plugins";
    public const string RolesKey = "actorcluster.roles";
    public const string StrategyKey = "akka.cluster.split-brain-resolver.active-strategy";
    public const string StableAfterKey = "akka.cluster.split-brain-resolver.stable-after";
    public const string ResultCacheMaxMbKey = "actorcluster.result-cache.max-mb";

    /// <summary>The result cache's size in the job store when no file sets it.</summary>
    public const long DefaultResultCacheMaxMb = 512;

    /// <summary>keep-majority: with three or more nodes the side with most nodes survives a partition and downs the rest.</summary>
    public const string DefaultStrategy = "keep-majority";

    /// <summary>How long membership must be stable before the resolver downs the unreachable side.</summary>
    public static readonly TimeSpan DefaultStableAfter = TimeSpan.FromSeconds(7);

    private readonly Config _shipped;
    private readonly Config _extra;
    private readonly string? _extraPath;

    private NodeConfigFile(Config shipped, Config extra, string? extraPath)
    {
        _shipped = shipped;
        _extra = extra;
        _extraPath = extraPath;
        Hocon = extra.IsEmpty ? shipped : shipped.IsEmpty ? extra : extra.WithFallback(shipped);
        SplitBrainResolver = ReadStrategy();
        StableAfter = ReadStableAfter();
        ResultCacheMaxBytes = ReadResultCacheMaxMb() * 1024 * 1024;
    }

    /// <summary><c>actorcluster.result-cache.max-mb</c> in bytes: past it the least recently used cached records are evicted.</summary>
    public long ResultCacheMaxBytes { get; }

    /// <summary>No file at all: every typed value at its default (in-process nodes of the specs).</summary>
    public static NodeConfigFile None { get; } = new(Config.Empty, Config.Empty, null);

    /// <summary>Both files merged, --config winning.</summary>
    public Config Hocon { get; }

    /// <summary><c>actorcluster.db</c>; null when neither file sets it.</summary>
    public string? Db => Text(DbKey);

    /// <summary>A string key either file sets, or null; for <c>actorcluster.tls.*</c> (below flags and environment variables).</summary>
    public string? Text(string path) => Hocon.HasPath(path) && Hocon.GetString(path) is { Length: > 0 } value ? value : null;

    /// <summary><c>actorcluster.allow-exec</c>; null when neither file sets it.</summary>
    public bool? AllowExec
    {
        get
        {
            if (!Hocon.HasPath(AllowExecKey)) return null;
            var raw = Hocon.GetString(AllowExecKey);
            return raw switch
            {
                "true" or "on" or "yes" => true,
                "false" or "off" or "no" => false,
                _ => throw Invalid(AllowExecKey, "must be true or false", raw),
            };
        }
    }

    /// <summary><c>actorcluster.plugins</c>, the plugins directory; null when neither file sets it.</summary>
    public string? Plugins => Text(PluginsKey);

    /// <summary>
    /// <c>actorcluster.roles</c> as comma-separated names (the file may write a list or a string); null when
    /// neither file sets it. The per-role files in cluster-config/ set it; the caller checks the names.
    /// </summary>
    public string? Roles => !Hocon.HasPath(RolesKey) ? null
        : Hocon.GetValue(RolesKey).IsArray() ? string.Join(',', Hocon.GetStringList(RolesKey)) : Hocon.GetString(RolesKey);

    /// <summary>The file <see cref="Roles"/> came from.</summary>
    public string RolesOrigin => OriginOf(RolesKey);

    /// <summary>Only the strategy is typed (Akka.Hosting's option); its own keys (role, quorum-size, ...) stay with the HOCON.</summary>
    public SplitBrainResolverOption SplitBrainResolver { get; }

    /// <summary>Akka.Hosting has no typed option for it, so <see cref="ActorClusterHostingExtensions"/> writes it as HOCON.</summary>
    public TimeSpan StableAfter { get; }

    /// <summary>Reads the shipped node.hocon next to the binary and, if given, the file of --config.</summary>
    public static NodeConfigFile Load(string? extraPath) =>
        Load(Path.Combine(AppContext.BaseDirectory, ShippedName), extraPath);

    internal static NodeConfigFile Load(string shippedPath, string? extraPath)
    {
        if (extraPath is not null && !File.Exists(extraPath))
            throw new NodeConfigException($"--config file '{extraPath}' does not exist");
        return new NodeConfigFile(Parse(shippedPath, ShippedName), extraPath is null ? Config.Empty : Parse(extraPath, extraPath), extraPath);
    }

    /// <summary>The keys under <paramref name="prefix"/> that either file sets, each with the name of the file it came from.</summary>
    public (IReadOnlyDictionary<string, string> Values, IReadOnlyDictionary<string, string> Origins) Section(string prefix, IEnumerable<string> keys)
    {
        var values = new Dictionary<string, string>();
        var origins = new Dictionary<string, string>();
        foreach (var key in keys)
        {
            var path = $"{prefix}.{key}";
            if (!Hocon.HasPath(path)) continue;
            values[key] = Hocon.GetString(path);
            origins[key] = OriginOf(path);
        }
        return (values, origins);
    }

    private string OriginOf(string path) => _extraPath is not null && _extra.HasPath(path) ? _extraPath : ShippedName;

    private static Config Parse(string path, string name)
    {
        if (!File.Exists(path)) return Config.Empty;
        try
        {
            return ConfigurationFactory.ParseString(File.ReadAllText(path));
        }
        catch (Exception e)
        {
            throw new NodeConfigException($"config file {name} is not valid HOCON: {e.Message.ReplaceLineEndings(" ")}");
        }
    }

    private SplitBrainResolverOption ReadStrategy()
    {
        var raw = Hocon.HasPath(StrategyKey) ? Hocon.GetString(StrategyKey) : DefaultStrategy;
        return raw switch
        {
            "keep-majority" => new KeepMajorityOption(),
            // Null leaves down-if-alone and quorum-size to the HOCON (the file, else Akka's default).
            "keep-oldest" => new KeepOldestOption { DownIfAlone = null },
            "static-quorum" => new StaticQuorumOption { QuorumSize = null },
            _ => throw Invalid(StrategyKey, "must be keep-majority, keep-oldest or static-quorum", raw),
        };
    }

    private TimeSpan ReadStableAfter()
    {
        if (!Hocon.HasPath(StableAfterKey)) return DefaultStableAfter;
        try
        {
            return Hocon.GetTimeSpan(StableAfterKey, allowInfinite: false);
        }
        catch (Exception)
        {
            throw Invalid(StableAfterKey, "must be a duration such as 7s", Hocon.GetString(StableAfterKey));
        }
    }

    private long ReadResultCacheMaxMb()
    {
        if (!Hocon.HasPath(ResultCacheMaxMbKey)) return DefaultResultCacheMaxMb;
        var raw = Hocon.GetString(ResultCacheMaxMbKey);
        return long.TryParse(raw, out var mb) && mb is >= 1 and <= 1024 * 1024
            ? mb
            : throw Invalid(ResultCacheMaxMbKey, "must be a whole number of MB from 1 to 1048576", raw);
    }

    private NodeConfigException Invalid(string path, string rule, string raw) =>
        new($"{path} in {OriginOf(path)} (config file) {rule}, got '{raw}'");
}
