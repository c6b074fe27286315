using MigrationFormat.Schema;
using MigrationFormat.Visitors;
using static MigrationFormat.Generators.Tests.GeneratorHarness;

namespace MigrationFormat.Generators.Tests;

/// <summary>What the generator writes for a device with parameters, and that the compiled device's layout follows its configuration.</summary>
public class ParameterGeneratedCodeTests
{
    private const string Configured = """
        using MigrationFormat.Visitors;

        namespace Sample.Devices;

        /// <summary>A device whose configuration changes its layout.</summary>
        [MigrationDevice("widget", "urn:test:widget", CurrentVersion = 3, Description = "Configured")]
        [MigrationParameter("fifo", ParameterType.Bool, Default = "on", ChangesLayout = true, Description = "FIFOs")]
        [MigrationParameter("mode", ParameterType.Enum, Values = new[] { "fast", "slow" }, ChangesLayout = true, Overridable = true)]
        [MigrationParameter("slots", ParameterType.Integer, Values = new[] { "0", "2", "4" }, Default = "2", ChangesLayout = true)]
        [MigrationParameter("rate", ParameterType.Integer, Minimum = 1, Maximum = 100, Default = "10")]
        [MigrationParameter("label", ParameterType.String, MaxLength = 8, Default = "w")]
        [MigrationVersion(1, "fifo=off,mode=slow")]
        [MigrationVersion(3, "fifo=on")]
        [MigrationOptionalGroup("timer", 9, Since = 2, PresentFlag = nameof(_armed), When = "fifo")]
        public sealed partial class Widget
        {
            [MigrationField(0)] private uint _counter;
            [MigrationField(1, When = "fifo=off")] private byte _direct;
            [MigrationField(2, When = "mode=fast", Skippable = true)] private ulong _fastPath;
            [MigrationField(3, When = "slots=4")] private ushort _wide;
            [MigrationField(0, Group = "timer")] private long _deadline;
            private bool _armed;

            /// <summary>Gets the rate from the configuration.</summary>
            public long Rate { get; private set; }

            partial void OnConfigured(DeviceConfiguration configuration) => Rate = configuration.Get(Parameters.Rate);
        }
        """;

    [Fact]
    public void Generate_DeviceWithParameters_CompilesWithoutAnyWarning()
    {
        GeneratorRun run = Run(Configured);

        AssertDiagnostics(run);
        AssertCompilesCleanly(run);
    }

    [Fact]
    public void Generate_DeviceWithParameters_DeclaresEachParameterTyped()
    {
        string source = Run(Configured).Source;

        Assert.Contains(
            "DeviceParameter<bool> Fifo = global::MigrationFormat.Visitors.DeviceParameter.Bool(\"fifo\", true, description: \"FIFOs\", changesLayout: true);",
            source,
            StringComparison.Ordinal);
        Assert.Contains(
            "DeviceParameter<string> Mode = global::MigrationFormat.Visitors.DeviceParameter.Enum(\"mode\", new string[] { \"fast\", \"slow\" }, \"fast\", "
                + "changesLayout: true, overridable: true);",
            source,
            StringComparison.Ordinal);
        Assert.Contains("DeviceParameter.Integer(\"slots\", new long[] { 0L, 2L, 4L }, 2L, changesLayout: true);", source, StringComparison.Ordinal);
        Assert.Contains("DeviceParameter.Integer(\"rate\", 1L, 100L, 10L);", source, StringComparison.Ordinal);
        Assert.Contains("DeviceParameter.String(\"label\", \"w\", maxLength: 8);", source, StringComparison.Ordinal);
        Assert.Contains("[1] = \"fifo=off,mode=slow\",", source, StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_DeviceWithConditions_EvaluatesEachOnceAndVisitsUnderIt()
    {
        string source = Run(Configured).Source;

        // Groups are read before fields, so the timer's condition comes first.
        Assert.Contains("this.MigrationWhen0 = configuration.Get(Parameters.Fifo);", source, StringComparison.Ordinal);
        Assert.Contains("this.MigrationWhen1 = !configuration.Get(Parameters.Fifo);", source, StringComparison.Ordinal);
        Assert.Contains("this.MigrationWhen2 = configuration.Get(Parameters.Mode) == \"fast\";", source, StringComparison.Ordinal);
        Assert.Contains("this.MigrationWhen3 = configuration.Get(Parameters.Slots) == 4L;", source, StringComparison.Ordinal);
        Assert.Contains(
            "if (this.MigrationWhen0 && visitor.BeginOptional(Fields.Timer, this._armed).Track(ref this._armed))",
            source,
            StringComparison.Ordinal);
        Assert.Matches(@"if \(this\.MigrationWhen1\)\s*\{\s*visitor\.Field\(Fields\.Direct, ref this\._direct\);\s*\}", source);
    }

    [Fact]
    public void Generate_DeviceWithoutParameters_WritesTheVersionConstructorAsBefore()
    {
        string source = Run("""
            using MigrationFormat.Visitors;

            [MigrationDevice("serial", "urn:test:serial", CurrentVersion = 2)]
            internal sealed partial class Uart
            {
                [MigrationField(0)] private byte _lcr;
            }
            """).Source;

        Assert.Contains("public Uart(int version = 2) => this.Version = version;", source, StringComparison.Ordinal);
        Assert.DoesNotContain("DeviceConfiguration", source, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_DeviceWithParameters_ItsLayoutFollowsItsConfiguration()
    {
        using var compiled = CompiledDevice.Compile(Configured, "Sample.Devices.Widget", "ConfiguredWidget");
        DeviceType type = compiled.Type;

        string[] Fields(string configuration) => [.. DeviceSchema.For(type.Resolve(configuration)).Fields.Select(f => f.Name)];

        Assert.Equal(["counter", "direct"], Fields("version=1"));
        Assert.Equal(["counter", "fast_path", "timer"], Fields("version=3"));
        Assert.Equal(["counter", "direct", "wide"], Fields("version=2,fifo=off,mode=slow,slots=4"));
        Assert.Equal("version=1,mode=slow,slots=2,rate=10,label=w", type.DefaultConfiguration(1).ToString());
    }

    [Fact]
    public void Compile_DeviceWithParameters_OnConfiguredSeesTheConfiguration()
    {
        using var compiled = CompiledDevice.Compile(Configured, "Sample.Devices.Widget", "ConfiguredWidgetRate");

        IDeviceState device = compiled.Type.Create("version=3,rate=42");

        Assert.Equal(42L, device.GetType().GetProperty("Rate")!.GetValue(device));
        Assert.Equal("42", device.Configuration.GetText("rate"));
    }

    [Fact]
    public void Compile_DeviceWithParameters_RefusesWhatTheVersionFixes()
    {
        using var compiled = CompiledDevice.Compile(Configured, "Sample.Devices.Widget", "ConfiguredWidgetFixed");

        DeviceConfigurationException error = Assert.Throws<DeviceConfigurationException>(() => compiled.Type.Create("version=1,fifo=on"));

        Assert.Equal((ConfigurationIssueKind.ValueFixedByVersion, "fifo"), (error.Issue!.Kind, error.Issue.Parameter));
        Assert.Equal("fast", compiled.Type.Resolve("version=1,mode=fast").GetText("mode"));
    }
}
