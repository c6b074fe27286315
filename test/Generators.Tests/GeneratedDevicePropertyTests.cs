using System.Buffers;
using System.Globalization;
using FsCheck;
using FsCheck.Xunit;
using MigrationFormat.Schema;
using MigrationFormat.Testing;
using MigrationFormat.Visitors;

namespace MigrationFormat.Generators.Tests;

/// <summary>
/// The property test of random schema evolutions (test/Visitors.Tests/RandomDevicePropertyTests.cs), for generated
/// devices: random device source code with the attributes goes through the generator and the compiler, and the
/// compiled device follows DESIGN.md's cross-version rules for every pair of its three versions, exactly as the
/// compatibility checker predicts from the two versions' schemas.
/// </summary>
public class GeneratedDevicePropertyTests
{
    private const string DeviceTypeName = "RandomDevices.RandomDevice";

    // Each case compiles one device (about a tenth of a second once the compiler is warm), then runs 9 version pairs.
    [Property(MaxTest = 40)]
    public void Load_RandomGeneratedDeviceEveryVersionPair_OutcomeIsWhatTheCheckerPredicts(DoNotSize<int> seed)
    {
        RandomDeviceSource source = RandomDeviceSource.Generate(seed.Item);
        using CompiledDevice device = CompiledDevice.Compile(source.Text, DeviceTypeName, AssemblyName(seed.Item));
        var random = new Random(seed.Item);

        for (int i = 1; i <= RandomDeviceSource.CurrentVersion; i++)
        {
            for (int j = 1; j <= RandomDeviceSource.CurrentVersion; j++)
            {
                CheckPair(source, device.Type, i, j, random);
            }
        }
    }

    [Property(MaxTest = 10)]
    public void CrossVersionCheck_RandomGeneratedDeviceWithGroupsPresentOrNot_FindsNoViolation(DoNotSize<int> seed)
    {
        // Here optional groups are present or absent at random (RandomStateVisitor), so a load the checker calls
        // incompatible may succeed; the library's own check holds each outcome to the rules that still apply.
        RandomDeviceSource source = RandomDeviceSource.Generate(seed.Item);
        using CompiledDevice device = CompiledDevice.Compile(source.Text, DeviceTypeName, AssemblyName(seed.Item));

        CrossVersionResult result = CrossVersionCheck.AllPairs(device.Type, seed.Item);

        Assert.True(result.Passed, $"{source}{Environment.NewLine}{result}{Environment.NewLine}{source.Text}");
    }

    [Property(MaxTest = 10)]
    public void LegacyRoundTrip_RandomGeneratedDeviceAtEachVersion_RestoresEveryField(DoNotSize<int> seed)
    {
        RandomDeviceSource source = RandomDeviceSource.Generate(seed.Item);
        using CompiledDevice device = CompiledDevice.Compile(source.Text, DeviceTypeName, AssemblyName(seed.Item));
        var random = new Random(seed.Item);

        for (int version = 1; version <= RandomDeviceSource.CurrentVersion; version++)
        {
            IDeviceState saved = device.Type.Create(version);
            PresentGroupsFillingVisitor.Fill(saved, random);
            IDeviceState loaded = device.Type.Create(version);

            LegacyDeviceSerializer.Load(loaded, LegacyDeviceSerializer.Save(saved), version);

            Assert.True(
                StateFingerprint.Of(saved).ToString() == StateFingerprint.Of(loaded).ToString(),
                $"{source}, v{version}{Environment.NewLine}{source.Text}");
        }
    }

    [Fact]
    public void Generate_RandomSources_CoverEveryKindEvolutionAndGroupAndBothOutcomes()
    {
        // Guards the properties against vacuity: the sources reach every field kind, every evolution of fields,
        // groups and members, and version pairs that load, skip, and fail; the properties hold the checker and the
        // runtime to the same outcome, so both meet each of them.
        var kinds = new HashSet<string>(StringComparer.Ordinal);
        var evolutions = new HashSet<string>(StringComparer.Ordinal);
        int loads = 0, fails = 0, failsOnGroupOnly = 0;
        for (int seed = 0; seed < 200; seed++)
        {
            RandomDeviceSource source = RandomDeviceSource.Generate(seed);
            foreach (SourceField field in source.Fields)
            {
                kinds.Add(field.Kind.Name);
                evolutions.Add(Evolution(field.Group is null ? "field" : "member", field.Since, field.RemovedIn, field.Skippable));
                if (field.Group is not null && field.Since > field.Group.Since)
                {
                    evolutions.Add("member-later-than-group");
                }
            }

            foreach (SourceGroup group in source.Groups)
            {
                evolutions.Add(Evolution(group.IsStruct ? "struct" : "optional", group.Since, group.RemovedIn, group.Skippable));
                evolutions.Add(group.Members.Count == 0 ? "memberless-group" : "group-with-members");
            }

            for (int i = 1; i <= 3; i++)
            {
                for (int j = 1; j <= 3; j++)
                {
                    bool ok = source.Loads(i, j);
                    (loads, fails) = ok ? (loads + 1, fails) : (loads, fails + 1);
                    if (!ok && source.Fields.Where(f => f.Group is null).All(f => !f.ExistsIn(i) || f.ExistsIn(j) || f.Skippable))
                    {
                        failsOnGroupOnly++;
                    }
                }
            }
        }

        Assert.Equal(SourceKind.All.Count, kinds.Count);
        foreach (string owner in new[] { "field", "struct", "optional" })
        {
            foreach (string evolution in new[] { "plain", "added-must-parse", "added-skippable", "removed-must-parse", "removed-skippable" })
            {
                Assert.Contains($"{owner}:{evolution}", evolutions);
            }
        }

        Assert.Contains("member:added-must-parse", evolutions);
        Assert.Contains("member:removed-skippable", evolutions);
        Assert.Contains("member-later-than-group", evolutions);
        Assert.Contains("memberless-group", evolutions);
        Assert.True(loads > 300 && fails > 300 && failsOnGroupOnly > 20, $"{loads} loads, {fails} failures, {failsOnGroupOnly} in groups only");
    }

    private static void CheckPair(RandomDeviceSource source, DeviceType type, int i, int j, Random random)
    {
        IDeviceState saved = type.Create(i);
        PresentGroupsFillingVisitor.Fill(saved, random);
        StateFingerprint savedPrint = StateFingerprint.Of(saved);
        byte[] stream = Save(saved);

        IDeviceState destination = type.Create(j);
        RandomStateVisitor.Randomize(destination, random.Next());
        StateFingerprint before = StateFingerprint.Of(destination);
        CompatibilityReport verdict = CompatibilityChecker.Check(DeviceSchema.For(type, i), DeviceSchema.For(type, j));

        MigrationFormatException? failure = null;
        try
        {
            using var reader = new MigrationStreamReader(stream);
            Assert.True(reader.TryReadSection(out _));
            reader.LoadSection(destination);
        }
        catch (MigrationFormatException ex)
        {
            failure = ex;
        }

        StateFingerprint after = StateFingerprint.Of(destination);
        string context = string.Create(
            CultureInfo.InvariantCulture,
            $"{source}{Environment.NewLine}v{i} -> v{j}; checker: {(verdict.IsCompatible ? "compatible" : string.Join("; ", verdict.Issues))}; "
            + $"load: {failure?.Message ?? "ok"}{Environment.NewLine}{source.Text}");

        Assert.True(verdict.IsCompatible == (failure is null), context);
        Assert.True(source.Loads(i, j) == verdict.IsCompatible, "the declarations' rules and the checker disagree: " + context);
        if (failure is null)
        {
            IReadOnlyList<string> lost = savedPrint.Differences(after, savedPrint.Values.Keys.Where(after.Values.ContainsKey));

            // Fields the stream did not carry keep the destination's values; a group's presence is the stream's to say.
            IEnumerable<string> kept = after.Values.Keys.Where(p => !savedPrint.Values.ContainsKey(p) && before.Values.ContainsKey(p) && !p.EndsWith('?'));
            IReadOnlyList<string> changed = before.Differences(after, kept);
            Assert.True(lost.Count == 0, "a field both versions know lost its saved value: " + string.Join("; ", lost) + Environment.NewLine + context);
            Assert.True(changed.Count == 0, "a field the stream did not carry changed: " + string.Join("; ", changed) + Environment.NewLine + context);
            return;
        }

        Assert.True((failure.Device, failure.SourceVersion, failure.DestinationVersion) == ("random", i, j), context);
        Assert.True(before.ToString() == after.ToString(), "the failed load changed the destination: " + context);
    }

    private static byte[] Save(IDeviceState device)
    {
        var output = new ArrayBufferWriter<byte>();
        using (var writer = new MigrationStreamWriter(output))
        {
            writer.WriteDevice(device);
            writer.Complete();
        }

        return output.WrittenSpan.ToArray();
    }

    private static string AssemblyName(int seed) => "RandomDevice" + seed.ToString(CultureInfo.InvariantCulture).Replace('-', 'm');

    private static string Evolution(string owner, int since, int removedIn, bool skippable)
    {
        string change = removedIn != 0 ? "removed" : since > 1 ? "added" : "plain";
        return owner + ":" + change + (change == "plain" ? string.Empty : skippable ? "-skippable" : "-must-parse");
    }
}
