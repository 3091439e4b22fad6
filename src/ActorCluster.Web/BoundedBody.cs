using Microsoft.AspNetCore.Http;

namespace ActorCluster.Web;

/// <summary>Reads a request body of at most a given size, refusing a larger one before reading it whole.</summary>
public static class BoundedBody
{
    /// <summary>The body, or null when it is (or says it is) larger than <paramref name="maxBytes"/>.</summary>
    public static async Task<byte[]?> ReadAsync(HttpRequest request, int maxBytes, CancellationToken ct)
    {
        if (request.ContentLength > maxBytes) return null;
        var buffer = new byte[Math.Min(maxBytes + 1, (int)(request.ContentLength ?? 4096) + 1)];
        var read = 0;
        while (true)
        {
            if (read == buffer.Length)
            {
                if (buffer.Length > maxBytes) return null;
                Array.Resize(ref buffer, Math.Min(buffer.Length * 2, maxBytes + 1));
            }
            var n = await request.Body.ReadAsync(buffer.AsMemory(read), ct);
            if (n == 0) break;
            read += n;
            if (read > maxBytes) return null;
        }
        return buffer[..read];
    }
}
