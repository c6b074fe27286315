using System.IO.Compression;
using System.Reflection.Metadata;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Xunit;

namespace MigrationFormat.Packaging.Tests;

/// <summary>What <c>dotnet pack</c> of the repository produces: which packages, and what each carries.</summary>
[Collection(InstalledPackagesGroup.Name)]
public sealed partial class PackageContentsTests(InstalledPackages packages)
{
    /// <summary>SourceLink's custom debug information kind in a portable PDB.</summary>
    private static readonly Guid SourceLinkKind = new("CC110556-A091-4D38-9FEC-25AB9A351A6A");

    [Fact]
    public void Pack_Repository_GivesOnePackagePerSourceProjectAndNothingElse()
    {
        string[] made = Directory.GetFiles(packages.PackageFolder, "*.nupkg").Select(Path.GetFileName).Order().ToArray()!;

        string[] expected = ExpectedPackageIds().Select(id => $"{id}.{packages.Version}.nupkg").Order().ToArray();

        Assert.Equal(expected, made);
    }

    [Fact]
    public void Pack_Samples_AreNotPacked()
    {
        Assert.Empty(Directory.GetFiles(packages.PackageFolder, "MigrationFormat.Samples*"));
    }

    [Fact]
    public void Pack_EveryPackage_CarriesTheSharedVersionLicenceReadmeAndRepositoryCommit()
    {
        foreach (string id in ExpectedPackageIds())
        {
            XElement metadata = ReadMetadata(id);

            Assert.Equal(packages.Version, metadata.Element(metadata.Name.Namespace + "version")?.Value);
            Assert.Matches(@"^0\.\d+\.\d+$", packages.Version);
            XElement license = metadata.Element(metadata.Name.Namespace + "license")!;
            Assert.Equal(("expression", "MIT"), ((string?)license.Attribute("type"), license.Value));
            Assert.Equal("README.md", metadata.Element(metadata.Name.Namespace + "readme")?.Value);
            Assert.NotNull(Entry(id, "README.md"));
            Assert.NotNull(Entry(id, "LICENSE"));
            XElement repository = metadata.Element(metadata.Name.Namespace + "repository")!;
            Assert.StartsWith("https://", (string?)repository.Attribute("url"), StringComparison.Ordinal);
            Assert.Matches("^[0-9a-f]{40}$", (string?)repository.Attribute("commit"));
        }
    }

    [Fact]
    public void Pack_EveryLibraryPackage_HasXmlDocsAndASymbolPackageWithSourceLink()
    {
        foreach (string id in LibraryPackageIds())
        {
            Assert.NotNull(Entry(id, $"lib/net10.0/{id}.dll"));
            Assert.NotNull(Entry(id, $"lib/net10.0/{id}.xml"));

            string symbols = Path.Combine(packages.PackageFolder, $"{id}.{packages.Version}.snupkg");
            using ZipArchive archive = ZipFile.OpenRead(symbols);
            ZipArchiveEntry pdb = archive.GetEntry($"lib/net10.0/{id}.pdb") ?? throw new Xunit.Sdk.XunitException($"{symbols} has no PDB.");
            string sourceLink = ReadSourceLink(pdb);
            Assert.Matches(SourceLinkDocuments(), sourceLink);
        }
    }

    [Fact]
    public void Pack_VisitorsPackage_ShipsTheGeneratorAsAnAnalyzer()
    {
        Assert.NotNull(Entry("MigrationFormat.Visitors", "analyzers/dotnet/cs/MigrationFormat.Generators.dll"));
    }

    [Fact]
    public void Pack_MetaPackage_HasNoCodeAndDependsOnEveryLibraryWithAllAssets()
    {
        XElement metadata = ReadMetadata("MigrationFormat");
        Dictionary<string, string?> dependencies = metadata.Descendants(metadata.Name.Namespace + "dependency")
            .ToDictionary(d => (string)d.Attribute("id")!, d => (string?)d.Attribute("include"));

        foreach (string library in LibraryPackageIds())
        {
            Assert.True(dependencies.TryGetValue(library, out string? include), $"MigrationFormat does not depend on {library}.");
            Assert.Equal("All", include);
        }

        using ZipArchive archive = ZipFile.OpenRead(PackagePath("MigrationFormat"));
        Assert.DoesNotContain(archive.Entries, e => e.FullName.EndsWith(".dll", StringComparison.Ordinal));
    }

    [Fact]
    public void Pack_Tool_IsADotnetToolNamedMigfmt()
    {
        XElement metadata = ReadMetadata("migfmt");
        Assert.Contains(metadata.Element(metadata.Name.Namespace + "packageTypes")!.Elements(), t => (string?)t.Attribute("name") == "DotnetTool");

        using ZipArchive archive = ZipFile.OpenRead(PackagePath("migfmt"));
        ZipArchiveEntry settings = archive.GetEntry("tools/net10.0/any/DotnetToolSettings.xml")!;
        using var reader = new StreamReader(settings.Open());
        XElement command = XDocument.Parse(reader.ReadToEnd()).Descendants("Command").Single();
        Assert.Equal("migfmt", (string?)command.Attribute("Name"));
    }

    /// <summary>The package of every project under src/ that is packable: its PackageId, else its AssemblyName.</summary>
    private IEnumerable<string> ExpectedPackageIds()
    {
        foreach (string project in Directory.GetFiles(Path.Combine(packages.RepositoryRoot, "src"), "*.csproj", SearchOption.AllDirectories))
        {
            XElement root = XDocument.Load(project).Root!;
            if (root.Descendants("IsPackable").Any(e => e.Value == "false"))
            {
                continue;
            }

            yield return root.Descendants("PackageId").FirstOrDefault()?.Value
                ?? root.Descendants("AssemblyName").FirstOrDefault()?.Value
                ?? Path.GetFileNameWithoutExtension(project);
        }
    }

    /// <summary>The packages with code for a library: all but the meta-package and the tool.</summary>
    private IEnumerable<string> LibraryPackageIds() => ExpectedPackageIds().Where(id => id is not "MigrationFormat" and not "migfmt");

    private string PackagePath(string id) => Path.Combine(packages.PackageFolder, $"{id}.{packages.Version}.nupkg");

    /// <summary>The nuspec's metadata element (NuGet picks the nuspec schema version by the features used).</summary>
    private XElement ReadMetadata(string id)
    {
        using ZipArchive archive = ZipFile.OpenRead(PackagePath(id));
        ZipArchiveEntry entry = archive.GetEntry($"{id}.nuspec") ?? throw new Xunit.Sdk.XunitException($"{id} has no nuspec.");
        using Stream stream = entry.Open();
        XElement root = XDocument.Load(stream).Root!;
        return root.Element(root.Name.Namespace + "metadata") ?? throw new Xunit.Sdk.XunitException($"{id}.nuspec has no metadata.");
    }

    private ZipArchiveEntry? Entry(string id, string path)
    {
        using ZipArchive archive = ZipFile.OpenRead(PackagePath(id));
        return archive.GetEntry(path);
    }

    private static string ReadSourceLink(ZipArchiveEntry pdb)
    {
        using var buffer = new MemoryStream();
        using (Stream stream = pdb.Open())
        {
            stream.CopyTo(buffer);
        }

        buffer.Position = 0;
        using MetadataReaderProvider provider = MetadataReaderProvider.FromPortablePdbStream(buffer);
        MetadataReader reader = provider.GetMetadataReader();
        foreach (CustomDebugInformationHandle handle in reader.CustomDebugInformation)
        {
            CustomDebugInformation information = reader.GetCustomDebugInformation(handle);
            if (reader.GetGuid(information.Kind) == SourceLinkKind)
            {
                return System.Text.Encoding.UTF8.GetString(reader.GetBlobBytes(information.Value));
            }
        }

        throw new Xunit.Sdk.XunitException($"{pdb.FullName} has no SourceLink information.");
    }

    /// <summary>A SourceLink map from the build's root to the raw files of one commit.</summary>
    [GeneratedRegex("\"documents\":\\{\"[^\"]+\\*\":\"https://[^\"]+/[0-9a-f]{40}/\\*\"\\}")]
    private static partial Regex SourceLinkDocuments();
}
