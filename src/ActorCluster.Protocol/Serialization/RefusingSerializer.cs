using System.Runtime.Serialization;
using System.Text;
using System.Text.RegularExpressions;
using Akka.Actor;
using Akka.Configuration;
using Akka.Event;
using Akka.Serialization;
using ActorCluster.Core.Text;

namespace ActorCluster.Protocol.Serialization;

/// <summary>
/// Takes the place of one of Akka's serializers that builds whatever type its payload names (Newtonsoft JSON, the
/// generic protobuf one, remote deployment): a peer's payload under that id is logged and dropped before any type it
/// names is built, and nothing of ours is written with it, so an unregistered message fails at its sender instead of
/// crossing the wire. <see cref="StrictSerialization"/> says which ids and why.
/// </summary>
public sealed class RefusingSerializer : Serializer
{
    private readonly int _identifier;
    private readonly string _replaces;
    private readonly ExtendedActorSystem _system;

    /// <param name="config">This alias's <c>akka.actor.serialization-settings</c>: <c>refused-identifier</c> and <c>refused-name</c>.</param>
    public RefusingSerializer(ExtendedActorSystem system, Config config) : base(system)
    {
        _identifier = config.GetInt(StrictSerialization.IdentifierKey);
        _replaces = config.GetString(StrictSerialization.NameKey);
        _system = system;
    }

    public override int Identifier => _identifier;

    public override bool IncludeManifest => false;

    public override byte[] ToBinary(object obj) =>
        throw new SerializationException(
            $"{obj.GetType().FullName} has no serializer of its own: only ActorCluster's messages and Akka's are sent ({_replaces}, serializer {_identifier}, is refused)");

    public override object FromBinary(byte[] bytes, Type? type)
    {
        var named = type?.AssemblyQualifiedName ?? NamedInJson(bytes) ?? "no type";
        var line = $"dropped a {bytes.Length}-byte {_replaces} payload (serializer {_identifier}) naming {Echo.Shorten(named, 120)}: " +
                   "only ActorCluster's messages and Akka's own are accepted";
        // Looked up per drop: serializers are built before the system's logging exists.
        Logging.GetLogger(_system, typeof(RefusingSerializer)).Warning(line);
        throw new SerializationException(line);
    }

    private static readonly Regex JsonTypeName = new("\"\\$type\"\\s*:\\s*\"([^\"]{1,400})\"", RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(50));

    /// <summary>The <c>$type</c> a Newtonsoft payload names, looked for in its first kilobytes only, for the log line.</summary>
    private static string? NamedInJson(byte[] bytes)
    {
        try
        {
            var match = JsonTypeName.Match(Encoding.UTF8.GetString(bytes, 0, Math.Min(bytes.Length, 4096)));
            return match.Success ? match.Groups[1].Value : null;
        }
        catch (RegexMatchTimeoutException)
        {
            return null;
        }
    }
}
