{#- Custom schemas are used literally: seeds -> reference, staging -> staging,
    intermediate -> intermediate, marts -> marts (no target-schema prefix). -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
