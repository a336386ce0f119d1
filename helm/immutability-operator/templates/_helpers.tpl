{{- define "immutability.fullname" -}}
{{- default .Chart.Name .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "immutability.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "immutability.labels" -}}
{{ include "immutability.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
{{- end -}}

{{- define "immutability.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "immutability.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "immutability.webhookService" -}}
{{ include "immutability.fullname" . }}-webhook
{{- end -}}

{{/* The namespaces the webhooks never see. */}}
{{- define "immutability.namespaceSelector" -}}
{{- if .Values.watchNamespaces }}
matchExpressions:
- key: kubernetes.io/metadata.name
  operator: In
  values: {{ toJson .Values.watchNamespaces }}
{{- else }}
matchExpressions:
- key: kubernetes.io/metadata.name
  operator: NotIn
  values: {{ toJson (concat (list .Release.Namespace "kube-system") .Values.webhook.excludeNamespaces) }}
{{- end }}
{{- end -}}

{{- /* The matchConditions of a webhook entry before the operator has seen any Enforce policy. */}}
{{- define "immutability.enforceCondition" -}}
matchConditions:
- name: enforce-namespaces
  expression: {{ if . }}request.namespace in []{{ else }}"!(request.namespace in [])"{{ end }}
{{- end -}}
