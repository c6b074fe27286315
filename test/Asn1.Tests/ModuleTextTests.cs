using System.Diagnostics;
using MigrationFormat.Samples;
using MigrationFormat.Schema;
using MigrationFormat.Schema.Asn1;
using MigrationFormat.Visitors;

namespace MigrationFormat.Asn1.Tests;

/// <summary>What the generated modules say, read as text; the decoding tests hold them to real streams.</summary>
public class ModuleTextTests
{
    private static Asn1DeviceModule Module(DeviceType type, int version) => Asn1DeviceModule.Create(DeviceSchema.For(type, version));

    private static string Line(Asn1DeviceModule module, string start) =>
        module.Text.Split('\n').Single(line => line.TrimStart().StartsWith(start + " ", StringComparison.Ordinal));

    [Fact]
    public void FramingModule_DocsWireFormat_QuotesItVerbatim()
    {
        string docs = File.ReadAllText(Path.Combine(RepoRoot(), "docs", "wire-format.md")).ReplaceLineEndings("\n");

        Assert.Contains("```asn1\n" + Asn1FramingModule.Text + "```\n", docs, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_SerialV3_PutsTheFieldsOfLaterVersionsAfterTheExtensionMarker()
    {
        string text = Module(Uart16550.DeviceType, 3).Text;

        int scr = text.IndexOf("scr [8] UInt8,", StringComparison.Ordinal);
        int marker = text.IndexOf("    ...,", StringComparison.Ordinal);
        int txCount = text.IndexOf("tx-count [PRIVATE 9]", StringComparison.Ordinal);

        Assert.True(scr >= 0 && scr < marker && marker < txCount, text);
    }

    [Fact]
    public void Create_SkippableField_IsPrivateClassAndOptional()
    {
        Assert.StartsWith("tx-count [PRIVATE 9] UInt64 OPTIONAL,", Line(Module(Uart16550.DeviceType, 3), "tx-count").TrimStart(), StringComparison.Ordinal);
    }

    [Fact]
    public void Create_MustParseFieldOfALaterVersion_IsAMandatoryExtensionAddition()
    {
        Assert.StartsWith("fifo-trigger-level [10] UInt8,", Line(Module(Uart16550.DeviceType, 3), "fifo-trigger-level").TrimStart(), StringComparison.Ordinal);
    }

    [Fact]
    public void Create_OptionalGroup_IsAnOptionalSequenceType()
    {
        Asn1DeviceModule module = Module(Uart16550.DeviceType, 3);

        Assert.Contains("fifo-timeout [11] Serial-V3-Fifo-timeout OPTIONAL", module.Text, StringComparison.Ordinal);
        Assert.Contains("Serial-V3-Fifo-timeout ::= SEQUENCE {\n    deadline-ns [0] Int64,", module.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_List_IsASequenceOfTheCountOrAnElement()
    {
        string text = Module(VirtioNet.DeviceType, 3).Text;

        Assert.Contains("queues [5] Virtio-net-V3-Queues,", text, StringComparison.Ordinal);
        Assert.Contains("Virtio-net-V3-Queues ::= SEQUENCE (SIZE (1..65)) OF Virtio-net-V3-Queues-Item", text, StringComparison.Ordinal);
        const string Item = "Virtio-net-V3-Queues-Item ::= CHOICE {\n    count    INTEGER (0..64),\n    element  Virtio-net-V3-Queues-Element\n}";
        Assert.Contains(Item, text, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_ArrayAndFixedBuffer_HaveTheirSizes()
    {
        string text = Module(VirtioNet.DeviceType, 3).Text;

        Assert.Contains("Virtio-net-V3-Vlan-filter ::= SEQUENCE (SIZE (8)) OF UInt32", text, StringComparison.Ordinal);
        Assert.Contains("mac [2] OCTET STRING (SIZE (6)),", text, StringComparison.Ordinal);
        Assert.Contains("name [3] UTF8String (SIZE (0..64)),", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_SectionOfTheDevice_ConstrainsItsIdAndOldestVersion()
    {
        string text = Module(Mc146818Rtc.DeviceType, 2).Text;

        Assert.Contains("id             UTF8String (\"mc146818rtc\"),", text, StringComparison.Ordinal);
        Assert.Contains("version        INTEGER (1..2147483647),", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_SectionOfTheDevice_CarriesTheOptionalConfigurationBeforeTheState()
    {
        string text = Module(VirtioNet.DeviceType, 3).Text;

        int configuration = text.IndexOf("    configuration  Configuration OPTIONAL,\n", StringComparison.Ordinal);
        int state = text.IndexOf("    state          Virtio-net-V3-State,", StringComparison.Ordinal);
        Assert.True(configuration > 0 && configuration < state, text);
        Assert.Contains("IMPORTS Header, Schemas, Trailer, Checksum, Configuration,", text, StringComparison.Ordinal);
    }

    [Fact]
    public void IdentifierOf_FieldOfTheSchema_IsTheComponentName()
    {
        Asn1DeviceModule module = Module(VirtioNet.DeviceType, 3);
        FieldSchema queues = module.Schema.Fields.Single(f => f.Name == "queues");

        Assert.Equal("last-avail-idx", module.IdentifierOf(queues.Fields.Single(f => f.Name == "last_avail_idx")));
        Assert.Throws<ArgumentException>(() => module.IdentifierOf(new FieldSchema("other", 0, FieldKind.UInt8)));
    }

    [Fact]
    public void Create_NamesThatCollide_GetTheirTagNumber()
    {
        var schema = new DeviceSchema("odd", 1);
        schema.Fields.Add(new FieldSchema("tx_count", 0, FieldKind.UInt8));
        schema.Fields.Add(new FieldSchema("tx-count", 1, FieldKind.UInt8));
        schema.Fields.Add(new FieldSchema("TX.count", 2, FieldKind.UInt8));

        Asn1DeviceModule module = Asn1DeviceModule.Create(schema);

        Assert.Equal(["tx-count", "tx-count-1", "tX-count"], schema.Fields.Select(module.IdentifierOf));
    }

    [Fact]
    public void Create_DescriptionWithDoubleHyphenAndLineBreak_StaysInsideItsComment()
    {
        var schema = new DeviceSchema("odd", 1);
        schema.Fields.Add(new FieldSchema("a", 0, FieldKind.UInt8) { Description = "ends -- here\nEND next--" });

        string line = Line(Asn1DeviceModule.Create(schema), "a");

        string comment = line[(line.IndexOf("-- ", StringComparison.Ordinal) + 3)..];
        Assert.DoesNotContain("--", comment, StringComparison.Ordinal);
        Assert.EndsWith("ends - here END next", comment, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_OddNamesAndEveryKind_Asn1cAcceptsTheModule()
    {
        var schema = new DeviceSchema("9-odd_device", 2) { MinimumVersion = 1 };
        schema.Fields.Add(new FieldSchema("state", 0, FieldKind.Struct) { Fields = { new FieldSchema("int", 0, FieldKind.Bool) } });
        schema.Fields.Add(new FieldSchema("unused[0]", 1, FieldKind.FixedBytes) { Size = 4, RemovedIn = 3 });
        schema.Fields.Add(new FieldSchema("__", 2, FieldKind.Blob));
        schema.Fields.Add(new FieldSchema("list", 3, FieldKind.List) { Fields = { new FieldSchema("x", 0, FieldKind.Int16) } });
        schema.Fields.Add(new FieldSchema("new", 4, FieldKind.String) { Since = 2 });
        string directory = Path.Combine(Path.GetTempPath(), $"migfmt-asn1-parse-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        try
        {
            Asn1DeviceModule module = Asn1DeviceModule.Create(schema);
            File.WriteAllText(Path.Combine(directory, "framing.asn1"), Asn1FramingModule.Text);
            File.WriteAllText(Path.Combine(directory, "device.asn1"), module.Text);

            (int code, string errors) = ParseOnly(directory, "framing.asn1", "device.asn1");

            Assert.True(code == 0, errors + "\n" + module.Text);
            Assert.Equal("MigrationFormat-T-9-odd-device-V2", module.ModuleName);
            Assert.Equal(["state", "unused-0", "f", "list", "new"], schema.Fields.Select(module.IdentifierOf));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Theory]
    [InlineData("tx_count", "tx-count")]
    [InlineData("unused[0]", "unused-0")]
    [InlineData("FCR", "fCR")]
    [InlineData("9lives", "f-9lives")]
    [InlineData("__", "f")]
    [InlineData("a__b--c_", "a-b-c")]
    [InlineData("caf\u00e9", "caf")]
    public void ToIdentifier_FieldName_FollowsTheDocumentedMapping(string name, string identifier) =>
        Assert.Equal(identifier, Asn1Names.ToIdentifier(name));

    [Theory]
    [InlineData("virtio-net", "Virtio-net")]
    [InlineData("vhost-user-backend", "Vhost-user-backend")]
    [InlineData("e1000", "E1000")]
    [InlineData("8254", "T-8254")]
    [InlineData("", "T")]
    public void ToTypeReference_DeviceId_FollowsTheDocumentedMapping(string name, string reference) =>
        Assert.Equal(reference, Asn1Names.ToTypeReference(name));

    [Fact]
    public void Take_NameTakenTwice_AddsTheTagThenACounter()
    {
        var scope = new Asn1NameScope("taken");

        Assert.Equal("taken-5", scope.Take("taken", 5));
        Assert.Equal("taken-2", scope.Take("taken"));
        Assert.Equal("taken-3", scope.Take("taken", 5));
    }

    private static (int Code, string Errors) ParseOnly(string directory, params string[] files)
    {
        var start = new ProcessStartInfo("asn1c") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-E");
        start.ArgumentList.Add("-F"); // and the semantic checks that follow parsing
        foreach (string file in files)
        {
            start.ArgumentList.Add(file);
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException("asn1c did not start.");
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        string errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        _ = output.Result;
        return (process.ExitCode, errors);
    }

    private static string RepoRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MigrationFormat.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("MigrationFormat.sln was not found.");
    }
}
