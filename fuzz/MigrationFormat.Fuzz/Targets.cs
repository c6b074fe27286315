using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System;
using MigrationFormat.Ber;
using MigrationFormat.Qemu;
using MigrationFormat.Samples;
using MigrationFormat.Schema;
using MigrationFormat.Visitors;

namespace MigrationFormat.Fuzz;

/// <summary>
/// One entry point per fuzz target. Each feeds arbitrary bytes to a decoder and lets through only
/// <see cref="MigrationFormatException"/>, the one documented failure; anything else escapes and is a crash.
/// Invariants the decoders promise (a failed load leaves the device unchanged, a chunked read sees the same tokens
/// as a whole read) are checked too and reported as <see cref="FuzzInvariantException"/>.
/// </summary>
public static partial class Targets
{
    /// <summary>The separator between the VM description JSON and the payload in the <c>vm-description</c> target's input.</summary>
    public const byte VmDescriptionSeparator = 0x00;

    /// <summary>Gets every target, by the name <c>run.sh</c>, the corpus folder and the command line use.</summary>
    public static IReadOnlyDictionary<string, Action<ReadOnlyMemory<byte>>> All { get; } =
        new Dictionary<string, Action<ReadOnlyMemory<byte>>>(StringComparer.Ordinal)
        {
            ["ber-reader"] = data => BerReader(data.Span),
            ["ber-validator"] = data => BerValidator(data.Span),
            ["migration-stream"] = MigrationStream,
            ["device-state"] = DeviceState,
            ["legacy"] = data => Legacy(data.Span),
            ["schema"] = Schema,
            ["vmstate-json"] = VmStateJsonImport,
            ["qemu-stream"] = QemuStream,
            ["vm-description"] = VmDescriptionDecoder,
            ["tool-verbs"] = ToolVerbs,
            ["tool-compare-convert"] = ToolCompareConvert,
            ["vhost-user-messages"] = VhostUserMessages,
            ["vfio-stream"] = VfioStream,
            ["backend-chunks"] = BackendChunks,
            ["session-forward"] = SessionForward,
            ["session-return-path"] = SessionReturnPath,
            ["qemu-virtio"] = QemuVirtio,
        };

    private static readonly string[][] ToolArguments =
    [
        ["dump", "-"],
        ["dump", "--json", "-"],
        ["dump", "--schemas", "-"],
        ["decode", "-"],
        ["verify", "-"],
    ];

    /// <summary>Walks every token of <paramref name="data"/> with <see cref="Ber.BerReader"/>, calling every typed getter on every primitive; then again in
    /// pieces, checking both walks agree.</summary>
    /// <param name="data">The input.</param>
    public static void BerReader(ReadOnlySpan<byte> data)
    {
        List<Token> whole = [];
        bool wholeFailed = false;
        try
        {
            var reader = new Ber.BerReader(data);
            while (reader.Read())
            {
                whole.Add(new Token(reader.TokenType, reader.Tag, reader.Length, reader.TokenStartOffset));
                if (reader.TokenType == BerTokenType.Primitive)
                {
                    CallGetters(ref reader);
                }
            }
        }
        catch (MigrationFormatException)
        {
            wholeFailed = true;
        }

        // Skipping: skip every constructed value at depth 1.
        try
        {
            var reader = new Ber.BerReader(data);
            while (reader.Read())
            {
                if (reader.TokenType == BerTokenType.StartConstructed && reader.CurrentDepth >= 2)
                {
                    reader.TrySkip();
                }
            }
        }
        catch (MigrationFormatException)
        {
        }

        // Pieces: the split points come from the input itself so the fuzzer can steer them.
        List<Token> pieces = [];
        bool piecesFailed = false;
        try
        {
            int chunk = data.Length == 0 ? 1 : 1 + (data[0] % 7);
            var state = new BerReaderState(default);
            int position = 0;
            while (true)
            {
                int end = Math.Min(data.Length, position + chunk);
                bool final = end == data.Length;
                var reader = new Ber.BerReader(data[position..end], final, state);
                bool any = false;
                while (reader.Read())
                {
                    any = true;
                    pieces.Add(new Token(reader.TokenType, reader.Tag, reader.Length, reader.TokenStartOffset));
                }

                if (final)
                {
                    break;
                }

                position += checked((int)reader.BytesConsumed);
                state = reader.CurrentState;
                chunk = any ? chunk : chunk * 2;
            }
        }
        catch (MigrationFormatException)
        {
            piecesFailed = true;
        }

        // A whole read sees the end of the input and may reject a value at its header (a length beyond the end) that a
        // piecewise read only rejects when the last piece arrives: when both fail, one token list is a prefix of the other.
        if (wholeFailed != piecesFailed || !SameTokens(whole, pieces, prefixOnly: wholeFailed))
        {
            throw new FuzzInvariantException(
                $"Whole read ({whole.Count} tokens, failed: {wholeFailed}) and piecewise read ({pieces.Count} tokens, failed: {piecesFailed}) disagree.");
        }
    }

    /// <summary>Validates <paramref name="data"/> with <see cref="Ber.BerValidator"/>, whole and as a multi-segment sequence.</summary>
    /// <param name="data">The input.</param>
    public static void BerValidator(ReadOnlySpan<byte> data)
    {
        bool multiple = data.Length > 0 && (data[^1] & 1) == 1;
        var options = new BerValidationOptions { AllowMultipleValues = multiple };
        BerValidationResult? a = null;
        BerValidationResult? b = null;
        try
        {
            a = Ber.BerValidator.Validate(data, options);
        }
        catch (MigrationFormatException)
        {
        }

        try
        {
            b = Ber.BerValidator.Validate(Segmented(data, 3), options);
        }
        catch (MigrationFormatException)
        {
        }

        if ((a is null) != (b is null))
        {
            throw new FuzzInvariantException($"Validating whole ({a is not null}) and in segments ({b is not null}) disagree.");
        }
    }

    /// <summary>Reads <paramref name="data"/> as a BER migration stream, loading each section into the matching sample device at every version.</summary>
    /// <param name="data">The input.</param>
    public static void MigrationStream(ReadOnlyMemory<byte> data)
    {
        int passes = 0;
        foreach (DeviceType type in SampleCatalog.DeviceTypes)
        {
            passes = Math.Max(passes, type.CurrentVersion - type.MinimumVersion + 1);
        }

        for (int pass = 0; pass < passes; pass++)
        {
            try
            {
                // Memory, then a stream that trickles a few bytes per read, so that values arrive in pieces (and blob
                // segments take the streamed path).
                using var reader = pass % 2 == 0
                    ? new MigrationStreamReader(data)
                    : new MigrationStreamReader(new TrickleStream(data.ToArray(), 1 + (pass % 7)));
                while (reader.TryReadSection(out SectionHeader section))
                {
                    DeviceType? type = FindType(section.Id);
                    if (type is null)
                    {
                        continue;
                    }

                    int version = Math.Min(type.CurrentVersion, type.MinimumVersion + pass);
                    IDeviceState device = SampleCatalog.CreateBusy(type, version);
                    LoadAllOrNothing(device, () => reader.LoadSection(device));
                }
            }
            catch (MigrationFormatException)
            {
            }
        }
    }

    /// <summary>
    /// Loads <paramref name="data"/> with <see cref="BerDeviceSerializer"/> into a sample device. The first byte picks the
    /// device type, its version and the stream version; the rest is the state value.
    /// </summary>
    /// <param name="data">The input.</param>
    public static void DeviceState(ReadOnlyMemory<byte> data)
    {
        if (data.Length == 0)
        {
            return;
        }

        (IDeviceState device, int streamVersion) = PickDevice(data.Span[0]);
        var serializer = new BerDeviceSerializer();
        try
        {
            LoadAllOrNothing(device, () => serializer.Load(device, data[1..], streamVersion));
        }
        catch (MigrationFormatException)
        {
        }
    }

    /// <summary>Loads <paramref name="data"/> with <see cref="LegacyDeviceSerializer"/>; the first byte picks the device as for
    /// <see cref="DeviceState"/>.</summary>
    /// <param name="data">The input.</param>
    public static void Legacy(ReadOnlySpan<byte> data)
    {
        if (data.Length == 0)
        {
            return;
        }

        (IDeviceState device, int streamVersion) = PickDevice(data[0]);
        byte[] payload = data[1..].ToArray();
        try
        {
            LoadAllOrNothing(device, () => LegacyDeviceSerializer.Load(device, payload, streamVersion));
        }
        catch (MigrationFormatException)
        {
        }
    }

    /// <summary>Parses <paramref name="data"/> as one schema document and as a catalog.</summary>
    /// <param name="data">The input.</param>
    public static void Schema(ReadOnlyMemory<byte> data)
    {
        try
        {
            SchemaDocument.Parse(data);
        }
        catch (MigrationFormatException)
        {
        }

        try
        {
            SchemaDocument.ParseMany(data);
        }
        catch (MigrationFormatException)
        {
        }
    }

    /// <summary>Imports <paramref name="data"/> as QEMU <c>-dump-vmstate</c> JSON.</summary>
    /// <param name="data">The input.</param>
    public static void VmStateJsonImport(ReadOnlyMemory<byte> data)
    {
        try
        {
            VmStateJson.Import(data);
        }
        catch (MigrationFormatException)
        {
        }
    }

    /// <summary>
    /// Runs migfmt's reading verbs (<c>dump</c>, <c>dump --json</c>, <c>dump --schemas</c>, <c>decode</c>, <c>verify</c>)
    /// with <paramref name="data"/> as standard input: each must end in exit 0 or 1, its documented failures caught inside;
    /// a usage error or any escaping exception is a bug.
    /// </summary>
    /// <param name="data">The input.</param>
    public static void ToolVerbs(ReadOnlyMemory<byte> data)
    {
        foreach (string[] arguments in ToolArguments)
        {
            using var input = new MemoryStream(data.ToArray(), writable: false);
            var console = Tool.IO.ToolConsole.OverWriters(TextWriter.Null, TextWriter.Null, input);
            int code = Tool.Program.Run(arguments, console);
            if (code is not (Tool.Program.ExitOk or Tool.Program.ExitBadInput))
            {
                throw new FuzzInvariantException($"migfmt {string.Join(' ', arguments)} exited {code}; only 0 and 1 are expected of a reading verb.");
            }
        }
    }

    /// <summary>Reads <paramref name="data"/> as a QEMU savevm stream, seekable (description looked up first) and as a pipe.</summary>
    /// <param name="data">The input.</param>
    public static void QemuStream(ReadOnlyMemory<byte> data)
    {
        byte[] bytes = data.ToArray();
        foreach (bool pipe in (ReadOnlySpan<bool>)[false, true])
        {
            try
            {
                var options = new QemuStreamReaderOptions { SkipDescriptionLookahead = pipe };
                using var reader = new QemuStreamReader(new MemoryStream(bytes, writable: false), options);
                foreach (QemuRecord record in reader.ReadAll())
                {
                    _ = record.Length;
                }
            }
            catch (MigrationFormatException)
            {
            }
        }
    }

    /// <summary>
    /// Parses the part of <paramref name="data"/> before the first <see cref="VmDescriptionSeparator"/> as a QEMU VM description
    /// and decodes the rest as the payload of each of its devices.
    /// </summary>
    /// <param name="data">The input.</param>
    public static void VmDescriptionDecoder(ReadOnlyMemory<byte> data)
    {
        int split = data.Span.IndexOf(VmDescriptionSeparator);
        ReadOnlyMemory<byte> json = split < 0 ? data : data[..split];
        ReadOnlyMemory<byte> payload = split < 0 ? ReadOnlyMemory<byte>.Empty : data[(split + 1)..];
        VmDescription description;
        try
        {
            description = VmDescription.Parse(json);
        }
        catch (MigrationFormatException)
        {
            return;
        }

        foreach (VmDeviceDescription device in description.Devices)
        {
            try
            {
                VmStateDecoder.Decode(device, payload);
            }
            catch (MigrationFormatException)
            {
            }
        }
    }


    private static void CallGetters(ref Ber.BerReader reader)
    {
        try
        {
            reader.GetInt64();
        }
        catch (MigrationFormatException)
        {
        }

        try
        {
            reader.GetUInt64();
        }
        catch (MigrationFormatException)
        {
        }

        try
        {
            reader.GetBoolean();
        }
        catch (MigrationFormatException)
        {
        }

        try
        {
            reader.GetUtf8String();
        }
        catch (MigrationFormatException)
        {
        }

        try
        {
            Span<byte> small = stackalloc byte[8];
            reader.CopyValue(small);
        }
        catch (MigrationFormatException)
        {
        }
        catch (ArgumentException)
        {
            // Documented misuse: the destination is too small.
        }
    }

    private static (IDeviceState Device, int StreamVersion) PickDevice(byte selector)
    {
        DeviceType type = SampleCatalog.DeviceTypes[selector % SampleCatalog.DeviceTypes.Count];
        int span = type.CurrentVersion - type.MinimumVersion + 1;
        int version = type.MinimumVersion + ((selector >> 2) % span);
        int streamVersion = type.MinimumVersion + ((selector >> 4) % (span + 1));
        return (SampleCatalog.CreateBusy(type, version), streamVersion);
    }

    private static DeviceType? FindType(string id)
    {
        foreach (DeviceType type in SampleCatalog.DeviceTypes)
        {
            if (string.Equals(type.Id, id, StringComparison.Ordinal))
            {
                return type;
            }
        }

        return null;
    }

    private static void LoadAllOrNothing(IDeviceState device, Action load)
    {
        byte[] before = Save(device);
        try
        {
            load();
        }
        catch (MigrationFormatException)
        {
            byte[] after = Save(device);
            if (!before.AsSpan().SequenceEqual(after))
            {
                throw new FuzzInvariantException($"A failed load changed device '{device.Type.Id}' v{device.Version}.");
            }

            throw;
        }
    }

    private static byte[] Save(IDeviceState device)
    {
        var buffer = new ArrayBufferWriter<byte>();
        BerDeviceSerializer.Save(device, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    private static bool SameTokens(List<Token> a, List<Token> b, bool prefixOnly)
    {
        if (a.Count != b.Count && !prefixOnly)
        {
            return false;
        }

        for (int i = 0; i < Math.Min(a.Count, b.Count); i++)
        {
            if (a[i] != b[i])
            {
                return false;
            }
        }

        return true;
    }

    private static ReadOnlySequence<byte> Segmented(ReadOnlySpan<byte> data, int pieces)
    {
        if (data.Length < pieces)
        {
            return new ReadOnlySequence<byte>(data.ToArray());
        }

        int size = data.Length / pieces;
        var first = new Segment(data[..size].ToArray(), 0);
        Segment last = first;
        for (int i = 1; i < pieces; i++)
        {
            int start = i * size;
            int end = i == pieces - 1 ? data.Length : start + size;
            last = last.Append(data[start..end].ToArray());
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private readonly record struct Token(BerTokenType Type, BerTag Tag, long Length, long Offset);

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(byte[] memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(byte[] memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}

/// <summary>A decoder broke one of its own guarantees (not a malformed-input failure).</summary>
public sealed class FuzzInvariantException : Exception
{
    /// <summary>Creates the exception.</summary>
    public FuzzInvariantException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">Which guarantee broke.</param>
    public FuzzInvariantException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">Which guarantee broke.</param>
    /// <param name="innerException">The cause.</param>
    public FuzzInvariantException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
