using System.Text.Json.Serialization;

namespace ActorCluster.Admin.Protocol;

/// <summary>Frame types of the wire protocol (see PROTOCOL.md).</summary>
public static class FrameTypes
{
    public const string Hello = "hello";
    public const string Welcome = "welcome";
    public const string Request = "request";
    public const string Cancel = "cancel";
    public const string Line = "line";
    public const string End = "end";
    public const string Error = "error";
}

/// <summary>
/// One frame on the wire. A single flat shape for every frame type keeps the JSON obvious to read in a
/// packet capture and trivial to produce from any language; fields a type does not use stay absent.
/// </summary>
public sealed record WireFrame
{
    [JsonPropertyName("type")] public string Type { get; init; } = "";

    // hello / welcome
    [JsonPropertyName("version")] public int? Version { get; init; }
    [JsonPropertyName("token")] public string? Token { get; init; }
    [JsonPropertyName("client")] public string? Client { get; init; }
    [JsonPropertyName("node")] public string? Node { get; init; }
    [JsonPropertyName("palettes")] public IReadOnlyList<PaletteInfo>? Palettes { get; init; }

    // request / cancel / line / end
    [JsonPropertyName("id")] public long? Id { get; init; }
    [JsonPropertyName("palette")] public string? Palette { get; init; }
    [JsonPropertyName("command")] public string? Command { get; init; }
    [JsonPropertyName("args")] public IReadOnlyList<string>? Args { get; init; }
    [JsonPropertyName("text")] public string? Text { get; init; }
    [JsonPropertyName("ok")] public bool? Ok { get; init; }

    // end (when ok = false) / error
    [JsonPropertyName("message")] public string? Message { get; init; }

    // error: true when the host closed the connection only to make room, so the client may dial again at once
    [JsonPropertyName("retry")] public bool? Retry { get; init; }

    public static WireFrame Hello(string? token, string client) =>
        new() { Type = FrameTypes.Hello, Version = WireProtocol.Version, Token = token, Client = client };

    public static WireFrame Welcome(string node, IReadOnlyList<PaletteInfo> palettes) =>
        new() { Type = FrameTypes.Welcome, Version = WireProtocol.Version, Node = node, Palettes = palettes };

    public static WireFrame Request(long id, string palette, string command, IReadOnlyList<string> args) =>
        new() { Type = FrameTypes.Request, Id = id, Palette = palette, Command = command, Args = args };

    public static WireFrame CancelRequest(long id) => new() { Type = FrameTypes.Cancel, Id = id };

    public static WireFrame OutputLine(long id, string text) => new() { Type = FrameTypes.Line, Id = id, Text = text };

    public static WireFrame Success(long id) => new() { Type = FrameTypes.End, Id = id, Ok = true };

    public static WireFrame Failure(long id, string message) => new() { Type = FrameTypes.End, Id = id, Ok = false, Message = message };

    public static WireFrame ConnectionError(string message) => new() { Type = FrameTypes.Error, Message = message };

    /// <summary>To a connection pushed out before its hello was read: nothing is wrong with it, try again.</summary>
    public static WireFrame Busy(string message) => new() { Type = FrameTypes.Error, Message = message, Retry = true };
}

/// <summary>What a host tells a client about a palette on connect, so the client can offer help and completion.</summary>
public sealed record PaletteInfo(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("commands")] IReadOnlyList<CommandInfo> Commands);

public sealed record CommandInfo(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("streaming")] bool Streaming,
    [property: JsonPropertyName("arguments")] IReadOnlyList<ArgumentInfo> Arguments);

public sealed record ArgumentInfo(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("switches")] IReadOnlyList<string> Switches,
    [property: JsonPropertyName("flag")] bool IsFlag,
    [property: JsonPropertyName("mandatory")] bool Mandatory,
    [property: JsonPropertyName("positional")] bool Positional,
    [property: JsonPropertyName("description")] string Description);
