"""`site_config.yaml`: its fields, validated like content, into a frozen `SiteConfig` (languages, sections,
folders, the base URL).

Reads the config file only. May not import content, rendering or the build; never writes.
"""
