using System;
using System.Collections.Generic;
using MigrationFormat.Schema;
using MigrationFormat.Visitors;

namespace MigrationFormat.Tool;

/// <summary>Finds the schema of a section: the stream's embedded schemas first, then the device models the tool knows.</summary>
internal sealed class SchemaResolver
{
    private readonly IReadOnlyDictionary<string, DeviceSchema> _embedded;
    private readonly IReadOnlyList<DeviceType> _known;

    public SchemaResolver(IReadOnlyDictionary<string, DeviceSchema> embedded, IReadOnlyList<DeviceType> known)
    {
        _embedded = embedded;
        _known = known;
    }

    public DeviceSchema? Find(string? id, long version)
    {
        if (id is null || version is < 0 or > int.MaxValue)
        {
            return null;
        }

        if (_embedded.TryGetValue(DeviceCatalog.SchemaKey(id, (int)version), out DeviceSchema? embedded))
        {
            return embedded;
        }

        foreach (DeviceType type in _known)
        {
            if (string.Equals(type.Id, id, StringComparison.Ordinal) && type.Supports((int)version))
            {
                return DeviceSchema.For(type, (int)version);
            }
        }

        return null;
    }
}
