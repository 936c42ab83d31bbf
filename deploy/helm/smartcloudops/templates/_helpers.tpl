{{/* Resource name: <release>-smartcloudops. */}}
{{- define "smartcloudops.fullname" -}}
{{ .Release.Name }}-smartcloudops
{{- end }}

{{- define "smartcloudops.selectorLabels" -}}
app.kubernetes.io/name: smartcloudops
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "smartcloudops.labels" -}}
{{ include "smartcloudops.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
helm.sh/chart: smartcloudops-{{ .Chart.Version }}
{{- end }}

{{/* The Secret with admin-password and database-url: the user's own, or the chart's. */}}
{{- define "smartcloudops.secretName" -}}
{{- if .Values.existingSecret }}{{ .Values.existingSecret }}{{ else }}{{ include "smartcloudops.fullname" . }}{{ end }}
{{- end }}
