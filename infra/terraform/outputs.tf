output "cluster_id" {
  value = digitalocean_kubernetes_cluster.ticketing.id
}

output "cluster_endpoint" {
  value = digitalocean_kubernetes_cluster.ticketing.endpoint
}

output "backups_bucket_endpoint" {
  description = "S3 endpoint of the backups bucket, for the database backup configuration."
  value       = "https://${var.region}.digitaloceanspaces.com/${digitalocean_spaces_bucket.backups.name}"
}

output "hosts" {
  value = { for environment, record in digitalocean_record.hosts : environment => record.fqdn }
}
