"""A local CloudFront data plane: distributions answer under /_ws/cdn/{distribution_id}/.

`middleware` (WSGI, in front of the API gateway and moto), `distribution` (the distribution's
behaviours, origins and error pages, read from moto's CloudFront backend) and `s3origin` (an S3
origin through its origin access control: the bucket policy must grant the distribution).
"""
