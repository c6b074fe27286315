using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using MigrationFormat.Qemu;
using MigrationFormat.Tool.IO;
using MigrationFormat.Tool.Walking;

namespace MigrationFormat.Tool.Commands;

/// <summary>
/// <c>migfmt decode</c>: a BER stream as <c>{"id#instance": {field: value}}</c> JSON, named and typed by the schemas the
/// stream embeds and by nothing else (no device code); written as it is read. A QEMU stream gives the document QEMU's
/// analyzer prints, which has the same shape.
/// </summary>
internal static class DecodeCommand
{
    public static int Run(ToolConsole console, string path)
    {
        using InputStream input = ToolFiles.Open(console, path, "decode");
        switch (ToolFiles.Detect(input))
        {
            case InputFormat.Qemu:
                Stream qemu = console.OpenOutput();
                var writer = new ChunkedOutputWriter(qemu);
                AnalyzerJsonWriter.WriteState(input, writer, new QemuStreamReaderOptions { Budget = console.Budget });
                writer.Flush();
                qemu.Flush();
                return Program.ExitOk;
            case InputFormat.Other:
                throw ToolFiles.NotAStream(input, "decode");
        }

        using var walker = new StreamWalker(input, deviceSchemas: null, console.Budget);
        var failures = new FailureLog();
        Stream output = console.OpenOutput();
        using (var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            while (walker.Read())
            {
                DumpCommand.CollectFailures(walker, failures);
                WalkToken token = walker.Current;
                if (token.Role == WalkRole.State && token.Kind == WalkTokenKind.Start)
                {
                    json.WritePropertyName(token.Section!.Key);
                    SectionDecoder.WriteState(walker, json, failures);
                    json.Flush();
                }
            }

            DumpCommand.CollectFailures(walker, failures);
            json.WriteEndObject();
        }

        output.Write("\n"u8);
        output.Flush();
        return DumpCommand.Report(console, failures);
    }
}
