using System.Reflection;
using Microsoft.AspNetCore.Http;

namespace ActorCluster.Web;

/// <summary>The dashboard's files, embedded in this assembly (wwwroot/...), read once at start and served from memory.</summary>
public sealed class StaticAssets(IReadOnlyDictionary<string, byte[]> files)
{
    private const string Prefix = "wwwroot/";

    public static StaticAssets Load(Assembly assembly)
    {
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            files[name[Prefix.Length..].Replace('\\', '/')] = copy.ToArray();
        }
        return new StaticAssets(files);
    }

    /// <summary>One embedded file as text: report.html inlines the dashboard's scripts from here, so each exists once.</summary>
    public static string Text(string path)
    {
        using var stream = typeof(StaticAssets).Assembly.GetManifestResourceStream(Prefix + path)
                           ?? throw new InvalidOperationException($"{path} is not embedded in {typeof(StaticAssets).Assembly.GetName().Name}");
        using var reader = new StreamReader(stream, System.Text.Encoding.UTF8);
        return reader.ReadToEnd();
    }

    public IResult Serve(string? path)
    {
        var key = string.IsNullOrEmpty(path) ? "index.html" : path;
        if (!files.TryGetValue(key, out var bytes))
            return JobApi.Error(404, $"no page '{Core.Text.Echo.Shorten(key)}'");
        return Results.Bytes(bytes, ContentType(key));
    }

    private static string ContentType(string path) => Path.GetExtension(path) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".json" => "application/json",
        ".svg" => "image/svg+xml",
        ".md" => "text/markdown; charset=utf-8",
        _ => "application/octet-stream",
    };
}
