using System.Text;

namespace ActorCluster.Node.Tests;

/// <summary>
/// A type a hostile peer could name: building it leaves a mark, so a spec sees whether a payload naming it was only
/// dropped or instantiated first. Not a message of ours; nothing may ever build it from the wire.
/// </summary>
public sealed class Tripwire
{
    private static int _built;

    public Tripwire() => Interlocked.Increment(ref _built);

    public string Path { get; set; } = "";

    public static int Built => Volatile.Read(ref _built);

    public static string TypeName => $"{typeof(Tripwire).FullName}, {typeof(Tripwire).Assembly.GetName().Name}";

    /// <summary>What Akka's Newtonsoft serializer writes for a Tripwire (it puts the type in <c>$type</c>, no manifest).</summary>
    public static byte[] Json => Encoding.UTF8.GetBytes($$"""{"$type":"{{TypeName}}","Path":"/tmp"}""");
}
