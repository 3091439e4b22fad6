namespace ActorCluster.Core.Text;

/// <summary>
/// The one way to repeat untrusted input (an argument, a frame's field, a peer's manifest) in an error or
/// a log line: at most <c>max</c> characters and the full length, so a 100 KB argument is never echoed whole.
/// </summary>
public static class Echo
{
    public static string Shorten(string text, int max = 60) => text.Length <= max ? text : text[..max] + $"... ({text.Length} chars)";
}
